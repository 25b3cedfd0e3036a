package io.kiwidb.engine.logging;

import io.kiwidb.api.KiwiIOException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams log lines to every TCP client connected on 127.0.0.1 (the reference system's "log
 * broadcast server"; {@code nc 127.0.0.1 9009} tails an engine's log).
 *
 * <p>Design: {@link #publish} is called on engine threads and must never block them, whatever the
 * clients do. Each client therefore has a bounded queue and its own writer thread: publish only
 * offers the line to each queue, and a full queue drops the line and counts it. The writer tells
 * its client how many lines it missed once it catches up. A client that stops reading fills its
 * socket buffer and then its queue, and only its own writer thread blocks; a vanished client fails
 * its next write and is removed. The number of clients is capped so a local process cannot make us
 * spawn unbounded threads.
 *
 * <p>Port: the preferred port (9009 by default, as in the reference) if it can be bound, else a
 * free port chosen by the OS; {@link #port()} says which. Binding is to the loopback address only:
 * log lines may hold keys and must not leave the machine.
 *
 * <p>Thread safety: {@link #publish}, {@link #port()}, {@link #clientCount()} and {@link
 * #droppedLines()} are safe from any thread; {@link #start()} and {@link #stop()} are serialised.
 */
public final class LogBroadcastServer implements AutoCloseable {
  /** The reference system's port. */
  public static final int DEFAULT_PORT = 9009;

  /** Lines buffered per client before new lines are dropped for it. */
  public static final int DEFAULT_CLIENT_QUEUE = 4096;

  /** Clients served at once; more are told so and disconnected. */
  public static final int DEFAULT_MAX_CLIENTS = 16;

  /** 127.0.0.1 exactly (not {@code getLoopbackAddress()}, which may be ::1 on IPv6 setups). */
  private static final InetAddress LOOPBACK;

  static {
    try {
      LOOPBACK = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new ExceptionInInitializerError(e); // only for a malformed address
    }
  }

  /** How long {@link #stop()} lets writers send what is queued before closing connections. */
  static final Duration FINAL_SEND = Duration.ofSeconds(1);

  /** Queued by {@link #stop()} after the last line; compared by identity. */
  private static final String END = new String("");

  private final int preferredPort;
  private final int queueCapacity;
  private final int maxClients;
  private final String name;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();

  private ServerSocket socket;
  private Thread acceptor;
  private volatile int port;
  private volatile boolean running;

  /**
   * @param preferredPort the port to try first; 0 for any free port
   * @param queueCapacity lines buffered per client
   * @param maxClients clients served at once
   * @param name included in thread names, e.g. the engine id
   */
  public LogBroadcastServer(int preferredPort, int queueCapacity, int maxClients, String name) {
    if (preferredPort < 0 || preferredPort > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + preferredPort);
    }
    if (queueCapacity < 1 || maxClients < 1) {
      throw new IllegalArgumentException(
          "queueCapacity and maxClients must be positive: " + queueCapacity + ", " + maxClients);
    }
    this.preferredPort = preferredPort;
    this.queueCapacity = queueCapacity;
    this.maxClients = maxClients;
    this.name = name;
  }

  /**
   * Binds and starts accepting clients.
   *
   * @return the bound port
   * @throws KiwiIOException if not even a free port can be bound
   * @throws IllegalStateException if already started
   */
  public synchronized int start() {
    if (socket != null) {
      throw new IllegalStateException("log broadcast server already started");
    }
    InetAddress loopback = LOOPBACK;
    try {
      ServerSocket s;
      try {
        s = bind(loopback, preferredPort);
      } catch (BindException e) {
        s = bind(loopback, 0);
      }
      socket = s;
    } catch (IOException e) {
      throw new KiwiIOException("bind log broadcast server on " + loopback.getHostAddress(), e);
    }
    port = socket.getLocalPort();
    running = true;
    acceptor = new Thread(this::acceptLoop, "kiwi-log-broadcast-" + name + "-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
    return port;
  }

  private static ServerSocket bind(InetAddress address, int port) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.bind(new InetSocketAddress(address, port), 16);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** The bound port, or 0 before {@link #start()} and after {@link #stop()}. */
  public int port() {
    return port;
  }

  /** Whether the preferred port was taken and another one was bound instead. */
  public boolean usedFallbackPort() {
    return preferredPort != 0 && port != 0 && port != preferredPort;
  }

  /** The clients connected now. */
  public int clientCount() {
    return clients.size();
  }

  /** Lines dropped for slow clients since start, summed over clients. */
  public long droppedLines() {
    return dropped.get();
  }

  /**
   * Queues a line (ending in a newline) for every connected client. Never blocks: a client whose
   * queue is full misses the line.
   */
  public void publish(String line) {
    if (!running) {
      return;
    }
    for (Client c : clients) {
      if (!c.queue.offer(line)) {
        c.missed.incrementAndGet();
        dropped.incrementAndGet();
      }
    }
  }

  /**
   * Stops accepting, lets each client's writer send the lines already queued for it (the engine's
   * shutdown lines, which is why the server stops last), then closes every connection. The send is
   * bounded by {@link #FINAL_SEND}, so a client that stopped reading cannot hold up a close. Lines
   * published after this call are not sent. Idempotent.
   */
  public synchronized void stop() {
    if (socket == null || !running) {
      return;
    }
    running = false;
    port = 0;
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing a listening socket only fails if it is already closed.
    }
    for (Client c : clients) {
      c.queue.offer(END); // wakes a writer waiting for lines; if the queue is full it is not
    }
    long deadline = System.nanoTime() + FINAL_SEND.toNanos();
    for (Client c : clients) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left > 0) {
        try {
          c.writer.join(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    for (Client c : clients) {
      c.close();
    }
    join(acceptor);
    for (Client c : clients) {
      join(c.writer);
    }
    clients.clear();
  }

  @Override
  public void close() {
    stop();
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (running) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        if (running) {
          continue; // a failed handshake; keep serving
        }
        return;
      }
      if (clients.size() >= maxClients) {
        refuse(s);
        continue;
      }
      Client c = new Client(s);
      clients.add(c);
      if (!running) { // raced with stop(): it may have missed this client
        c.close();
        clients.remove(c);
        continue;
      }
      c.writer.start();
    }
  }

  private void refuse(Socket s) {
    try (s) {
      s.getOutputStream()
          .write(
              ("kiwidb log broadcast: too many clients (" + maxClients + ")\n")
                  .getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // It is leaving anyway.
    }
  }

  /** One connection: its queue, its writer thread and its missed-line count. */
  private final class Client {
    final Socket socket;
    final BlockingQueue<String> queue = new ArrayBlockingQueue<>(queueCapacity);
    final AtomicLong missed = new AtomicLong();
    final Thread writer;

    Client(Socket socket) {
      this.socket = socket;
      this.writer = new Thread(this::writeLoop, "kiwi-log-client-" + name + "-" + socket.getPort());
      writer.setDaemon(true);
    }

    @SuppressWarnings("ReferenceEquality") // END is a sentinel: identity is the point
    void writeLoop() {
      long reported = 0;
      try (OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192)) {
        boolean end = false;
        while (!end) {
          // Once stopping, send what is queued and leave; END marks the queue's end.
          String line = running ? queue.take() : queue.poll();
          if (line == null) {
            break;
          }
          do {
            if (line == END) {
              end = true;
              break;
            }
            out.write(line.getBytes(StandardCharsets.UTF_8));
            line = queue.poll();
          } while (line != null);
          long m = missed.get();
          if (m != reported) {
            out.write(
                ("kiwidb log broadcast: " + (m - reported) + " lines dropped (client too slow)\n")
                    .getBytes(StandardCharsets.UTF_8));
            reported = m;
          }
          out.flush();
        }
      } catch (InterruptedException e) {
        // stop(): fall through to close.
      } catch (SocketException e) {
        // The client went away or stop() closed the socket.
      } catch (IOException e) {
        // Same: any write failure ends this client only.
      } finally {
        close();
        clients.remove(this);
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Already closed.
      }
      writer.interrupt();
    }
  }
}
