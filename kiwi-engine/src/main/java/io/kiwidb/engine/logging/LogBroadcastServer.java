package io.kiwidb.engine.logging;

import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.LogCapture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Streams log lines to every client connected to 127.0.0.1 on a TCP port, or to a Unix-domain
 * socket (the reference system's "log broadcast server"; {@code nc 127.0.0.1 9009} or {@code kiwi
 * tail-log} tails an engine's log).
 *
 * <p>Design: {@link #publish} is called on engine threads and must never block them, whatever the
 * clients do. Each client has a bounded queue: publish only offers the line to each queue, and a
 * full queue drops the line and counts it. One selector thread per server accepts clients, writes
 * each client's queued lines without blocking, reads (and discards) what clients send, and drops
 * idle clients. A client that stops reading fills its socket buffer and then its queue, and only
 * misses lines; it is told how many once it catches up. A vanished client is removed when its
 * connection reports the end. The number of clients is capped.
 *
 * <p>Idle clients: a client to which nothing could be written and from which nothing was read for
 * the idle timeout is told so and disconnected, so clients that connect and then do nothing cannot
 * hold the places of the cap for ever. A client that reads keeps its place while lines flow; on a
 * quiet engine it keeps it by sending anything now and then ({@code kiwi tail-log} and the
 * dashboard send a newline every second; the server ignores what clients send).
 *
 * <p>TCP: the preferred port (9009 by default, as in the reference) if it can be bound, else a free
 * port chosen by the OS; {@link #port()} says which. Binding is to 127.0.0.1 only: log lines may
 * hold keys and must not leave the machine. Unix-domain: the socket file is made readable and
 * writable by its owner only, and a client whose peer credentials name another user is refused, so
 * the moment between binding and changing the permissions lets nobody else in.
 *
 * <p>Thread safety: {@link #publish}, {@link #port()}, {@link #clientCount()} and {@link
 * #droppedLines()} are safe from any thread; {@link #start()} and {@link #stop()} are serialised.
 */
public final class LogBroadcastServer implements AutoCloseable, LogCapture.LineSink {
  /** The reference system's port. */
  public static final int DEFAULT_PORT = 9009;

  /** Lines buffered per client before new lines are dropped for it. */
  public static final int DEFAULT_CLIENT_QUEUE = 4096;

  /** Clients served at once; more are told so and disconnected. */
  public static final int DEFAULT_MAX_CLIENTS = 16;

  /** The longest socket path Linux accepts (108 bytes with the terminating NUL). */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  /** How the server starts the lines it writes itself (not log lines). */
  public static final String NOTICE_PREFIX = "kiwidb log broadcast: ";

  /** 127.0.0.1 exactly (not {@code getLoopbackAddress()}, which may be ::1 on IPv6 setups). */
  private static final InetAddress LOOPBACK;

  static {
    try {
      LOOPBACK = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new ExceptionInInitializerError(e); // only for a malformed address
    }
  }

  /** How long {@link #stop()} lets clients receive what is queued before closing connections. */
  static final Duration FINAL_SEND = Duration.ofSeconds(1);

  /** Bytes gathered from a client's queue for one write. */
  private static final int CHUNK_CHARS = 64 * 1024;

  private final int preferredPort; // TCP only
  private final Path socketFile; // Unix-domain only
  private final int queueCapacity;
  private final int maxClients;
  private final long idleNanos; // 0: never
  private final String name;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();

  private Selector selector;
  private ServerSocketChannel listener;
  private UserPrincipal owner; // Unix-domain: the only user let in
  private Thread loop;
  private volatile int port;
  private volatile boolean running;
  private boolean stopped;

  /**
   * A TCP server on 127.0.0.1 without an idle timeout.
   *
   * @param preferredPort the port to try first; 0 for any free port
   * @param queueCapacity lines buffered per client
   * @param maxClients clients served at once
   * @param name included in thread names, e.g. the engine id
   */
  public LogBroadcastServer(int preferredPort, int queueCapacity, int maxClients, String name) {
    this(preferredPort, null, queueCapacity, maxClients, Duration.ZERO, name);
  }

  private LogBroadcastServer(
      int preferredPort,
      Path socketFile,
      int queueCapacity,
      int maxClients,
      Duration idleTimeout,
      String name) {
    if (preferredPort < 0 || preferredPort > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + preferredPort);
    }
    if (queueCapacity < 1 || maxClients < 1) {
      throw new IllegalArgumentException(
          "queueCapacity and maxClients must be positive: " + queueCapacity + ", " + maxClients);
    }
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout must not be negative: " + idleTimeout);
    }
    this.preferredPort = preferredPort;
    this.socketFile = socketFile == null ? null : socketFile.toAbsolutePath().normalize();
    this.queueCapacity = queueCapacity;
    this.maxClients = maxClients;
    this.idleNanos = idleTimeout.toNanos();
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A server on 127.0.0.1, preferring {@code preferredPort} (0: any free port). */
  public static LogBroadcastServer tcp(
      int preferredPort, int queueCapacity, int maxClients, Duration idleTimeout, String name) {
    return new LogBroadcastServer(
        preferredPort, null, queueCapacity, maxClients, idleTimeout, name);
  }

  /** A server on the Unix-domain socket {@code socketFile}, for its owner only. */
  public static LogBroadcastServer unix(
      Path socketFile, int queueCapacity, int maxClients, Duration idleTimeout, String name) {
    return new LogBroadcastServer(
        0, Objects.requireNonNull(socketFile), queueCapacity, maxClients, idleTimeout, name);
  }

  /**
   * The server {@code options} ask for, not started: on TCP, on {@code <logsDir>/kiwidb.sock}, or
   * {@code null} when the broadcast is off.
   */
  static LogBroadcastServer forOptions(LoggingOptions options, Path logsDir, String name) {
    return switch (options.broadcast()) {
      case OFF -> null;
      case TCP ->
          tcp(
              options.broadcastPort(),
              options.clientQueueCapacity(),
              options.maxClients(),
              options.idleTimeout(),
              name);
      case UNIX ->
          unix(
              logsDir.resolve(EngineLogging.SOCKET_FILE),
              options.clientQueueCapacity(),
              options.maxClients(),
              options.idleTimeout(),
              name);
    };
  }

  /**
   * Binds and starts accepting clients.
   *
   * @return the bound TCP port, or 0 on a Unix-domain socket
   * @throws KiwiIOException if not even a free port can be bound, or the socket cannot be created
   *     (the message names the path and why)
   * @throws IllegalStateException if already started
   */
  public synchronized int start() {
    if (selector != null) {
      throw new IllegalStateException("log broadcast server already started");
    }
    try {
      selector = Selector.open();
      listener = socketFile == null ? bindTcp() : bindUnix();
      listener.configureBlocking(false);
      listener.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | UnsupportedOperationException e) {
      closeQuietly();
      IOException cause = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
      throw new KiwiIOException(
          socketFile == null
              ? "bind log broadcast server on " + LOOPBACK.getHostAddress()
              : "create the log broadcast socket " + socketFile,
          cause);
    }
    port = socketFile == null ? ((InetSocketAddress) localAddress()).getPort() : 0;
    running = true;
    loop =
        new Thread(
            this::loop, "kiwi-log-broadcast-" + name + "-" + (socketFile == null ? port : "unix"));
    loop.setDaemon(true);
    loop.start();
    return port;
  }

  private java.net.SocketAddress localAddress() {
    try {
      return listener.getLocalAddress();
    } catch (IOException e) {
      throw new KiwiIOException("read the log broadcast server's address", e);
    }
  }

  private ServerSocketChannel bindTcp() throws IOException {
    try {
      return bindTcp(preferredPort);
    } catch (BindException e) {
      return bindTcp(0);
    }
  }

  private static ServerSocketChannel bindTcp(int port) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
    try {
      s.bind(new InetSocketAddress(LOOPBACK, port), 16);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private ServerSocketChannel bindUnix() throws IOException {
    int length = socketFile.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_SOCKET_PATH_BYTES) {
      throw new IOException(
          "log_broadcast=unix: the socket path "
              + socketFile
              + " is "
              + length
              + " bytes, over the "
              + MAX_SOCKET_PATH_BYTES
              + "-byte limit of Unix-domain socket addresses; use a shorter data directory path"
              + " or log_broadcast=tcp");
    }
    // We hold the data directory's LOCK, so a socket file left here is a dead engine's.
    if (Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes a =
          Files.readAttributes(socketFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isOther()) {
        throw new IOException(
            "the log broadcast socket path " + socketFile + " exists and is not a socket");
      }
      Files.delete(socketFile);
    }
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      s.bind(UnixDomainSocketAddress.of(socketFile), 16);
      Files.setPosixFilePermissions(
          socketFile, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      owner = Files.getOwner(socketFile, LinkOption.NOFOLLOW_LINKS);
      return s;
    } catch (IOException | UnsupportedOperationException e) {
      s.close();
      Files.deleteIfExists(socketFile);
      throw e;
    }
  }

  /** The bound TCP port, or 0 on a Unix-domain socket, before {@link #start()} and after stop. */
  public int port() {
    return port;
  }

  /** The Unix-domain socket file, or empty for a TCP server. */
  public Optional<Path> socketFile() {
    return Optional.ofNullable(socketFile);
  }

  /** The idle timeout; {@link Duration#ZERO} for none. */
  public Duration idleTimeout() {
    return Duration.ofNanos(idleNanos);
  }

  /** Whether the preferred port was taken and another one was bound instead. */
  public boolean usedFallbackPort() {
    return socketFile == null && preferredPort != 0 && port != 0 && port != preferredPort;
  }

  /** The clients connected now. */
  public int clientCount() {
    return clients.size();
  }

  /** Lines dropped for slow clients since start, summed over clients. */
  public long droppedLines() {
    return dropped.get();
  }

  /** Whether any client is connected (so a line is worth formatting). */
  @Override
  public boolean wantsLines() {
    return !clients.isEmpty();
  }

  /**
   * Queues a line (ending in a newline) for every connected client. Never blocks: a client whose
   * queue is full misses the line.
   */
  @Override
  public void publish(String line) {
    if (!running) {
      return;
    }
    boolean wake = false;
    for (Client c : clients) {
      if (!c.queue.offer(line)) {
        c.missed.incrementAndGet();
        dropped.incrementAndGet();
      } else if (!c.signalled.get() && c.signalled.compareAndSet(false, true)) {
        wake = true;
      }
    }
    if (wake) {
      Selector s = selector;
      if (s != null) {
        s.wakeup();
      }
    }
  }

  /**
   * Stops accepting, lets each client receive the lines already queued for it (the engine's
   * shutdown lines, which is why the server stops last), then closes every connection and removes
   * the socket file. The final send is bounded by {@link #FINAL_SEND}, so a client that stopped
   * reading cannot hold up a close. Lines published after this call are not sent. Idempotent.
   */
  public synchronized void stop() {
    if (selector == null || stopped) {
      return;
    }
    stopped = true;
    running = false;
    port = 0;
    selector.wakeup();
    try {
      loop.join(FINAL_SEND.toMillis() + TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (loop.isAlive()) {
      // Only a loop stuck in a system call gets here; closing the selector ends it.
      closeQuietly();
    }
    clients.clear();
  }

  @Override
  public void close() {
    stop();
  }

  /** Closes the selector, the listener and the socket file; for a failed start or a stuck loop. */
  private void closeQuietly() {
    try {
      if (listener != null) {
        listener.close();
      }
    } catch (IOException ignored) {
      // Closing a listener only fails if it is closed already.
    }
    try {
      if (selector != null) {
        selector.close();
      }
    } catch (IOException ignored) {
      // Same.
    }
    deleteSocketFile();
  }

  private void deleteSocketFile() {
    if (socketFile != null && owner != null) {
      try {
        Files.deleteIfExists(socketFile);
      } catch (IOException ignored) {
        // A leftover socket file is deleted by the next engine to open the directory.
      }
    }
  }

  // ---------------------------------------------------------------- the selector thread

  private void loop() {
    long tickMillis =
        idleNanos == 0
            ? 1000
            : Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(idleNanos) / 4));
    try {
      while (running) {
        selector.select(tickMillis);
        if (!running) {
          break;
        }
        handleSelected();
        long now = System.nanoTime();
        for (Client c : clients) {
          if (c.signalled.getAndSet(false)) {
            c.flush(now);
          }
          if (idleNanos > 0 && now - c.lastActivity > idleNanos) {
            c.notifyAndClose(
                "idle for "
                    + TimeUnit.NANOSECONDS.toSeconds(idleNanos)
                    + " s (nothing read or sent); disconnecting");
          }
        }
      }
      finalSend();
    } catch (IOException | ClosedSelectorException e) {
      // The selector failed or stop() closed it: fall through and close everything.
    } finally {
      for (Client c : clients) {
        c.close();
      }
      clients.clear();
      closeQuietly();
    }
  }

  private void handleSelected() throws IOException {
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      if (!key.isValid()) {
        continue;
      }
      if (key.isAcceptable()) {
        acceptAll();
        continue;
      }
      Client c = (Client) key.attachment();
      if (key.isReadable()) {
        c.readAndDiscard();
      }
      if (key.isValid() && key.isWritable()) {
        c.flush(System.nanoTime());
      }
    }
  }

  private void acceptAll() {
    while (true) {
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (IOException e) {
        return; // a failed handshake; keep serving
      }
      if (ch == null) {
        return;
      }
      try {
        ch.configureBlocking(false);
        if (owner != null && !sameUser(ch)) {
          ch.close();
          continue;
        }
        if (clients.size() >= maxClients) {
          ch.write(
              StandardCharsets.UTF_8.encode(
                  NOTICE_PREFIX + "too many clients (" + maxClients + ")\n"));
          ch.close();
          continue;
        }
        Client c = new Client(ch);
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        clients.add(c);
      } catch (IOException e) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // It is leaving anyway.
        }
      }
    }
  }

  /** Whether a Unix-domain client runs as the socket's owner. */
  private boolean sameUser(SocketChannel ch) {
    try {
      UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      return peer != null && peer.user().getName().equals(owner.getName());
    } catch (IOException | UnsupportedOperationException e) {
      return false; // cannot tell who it is: keep it out
    }
  }

  /** Sends what is queued for each client, for up to {@link #FINAL_SEND}, then returns. */
  private void finalSend() throws IOException {
    listener.close();
    long deadline = System.nanoTime() + FINAL_SEND.toNanos();
    while (System.nanoTime() < deadline) {
      boolean pending = false;
      long now = System.nanoTime();
      for (Client c : clients) {
        if (!c.closed && !c.flush(now)) {
          pending = true;
        }
      }
      if (!pending) {
        return;
      }
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      handleSelected();
    }
  }

  /** One connection: its queue, its missed-line count and what is left of its current write. */
  private final class Client {
    final SocketChannel channel;
    final BlockingQueue<String> queue = new ArrayBlockingQueue<>(queueCapacity);
    final AtomicLong missed = new AtomicLong();
    final AtomicBoolean signalled = new AtomicBoolean();
    SelectionKey key;
    long reported;
    ByteBuffer out;
    long lastActivity = System.nanoTime();
    boolean closed;

    Client(SocketChannel channel) {
      this.channel = channel;
    }

    /**
     * Writes queued lines until the socket takes no more or nothing is left.
     *
     * @return true when nothing is left to write
     */
    boolean flush(long now) {
      if (closed) {
        return true;
      }
      try {
        while (true) {
          if (out == null || !out.hasRemaining()) {
            out = nextChunk();
            if (out == null) {
              key.interestOps(SelectionKey.OP_READ);
              return true;
            }
          }
          if (channel.write(out) > 0) {
            lastActivity = now;
          }
          if (out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            return false;
          }
        }
      } catch (IOException e) {
        close(); // the client went away: this client only
        return true;
      }
    }

    private ByteBuffer nextChunk() {
      StringBuilder sb = new StringBuilder();
      String line;
      while (sb.length() < CHUNK_CHARS && (line = queue.poll()) != null) {
        sb.append(line);
      }
      long m = missed.get();
      if (m != reported) {
        sb.append(NOTICE_PREFIX).append(m - reported).append(" lines dropped (client too slow)\n");
        reported = m;
      }
      return sb.length() == 0 ? null : StandardCharsets.UTF_8.encode(sb.toString());
    }

    void readAndDiscard() {
      ByteBuffer scratch = ByteBuffer.allocate(256);
      try {
        int n;
        while ((n = channel.read(scratch)) > 0) {
          lastActivity = System.nanoTime();
          scratch.clear();
        }
        if (n < 0) {
          close(); // the client closed its side: it is gone
        }
      } catch (IOException e) {
        close();
      }
    }

    /** Tells the client why (unless a line is half sent) and disconnects it. */
    void notifyAndClose(String why) {
      if (out == null || !out.hasRemaining()) {
        try {
          channel.write(StandardCharsets.UTF_8.encode(NOTICE_PREFIX + why + "\n"));
        } catch (IOException ignored) {
          // It is being disconnected anyway.
        }
      }
      close();
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      clients.remove(this);
      if (key != null) {
        key.cancel();
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already closed.
      }
    }
  }
}
