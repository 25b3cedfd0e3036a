package io.kiwidb.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.sse.SseClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live data of {@code GET /api/events}: the engine's log lines, relayed from its log broadcast
 * server on 127.0.0.1 or its Unix-domain socket (see docs/logging.md), and the stats samples,
 * fanned out to every connected event stream as server-sent events ({@code log}, {@code stats}, and
 * one {@code hello} first).
 *
 * <p>Design: nothing on the engine's side or in the relay ever waits for a browser. The relay
 * thread reads the broadcast socket and only offers each line to every client's bounded queue; a
 * full queue drops the line for that client (counted, and the client is told). Each client has its
 * own sender thread, so a client that stops reading stalls only itself. Clients are capped at
 * {@link #MAX_CLIENTS}, as the engine caps its broadcast clients. The last {@link #BACKLOG} lines
 * are replayed to a new client so the log view opens with context. The relay sends the engine a
 * newline every {@link #KEEP_ALIVE_MILLIS} so the broadcast's idle timeout never drops it on a
 * quiet engine.
 *
 * <p>Thread safety: {@link #publishStats}, {@link #attach} and {@link #close} may be called from
 * any thread.
 */
public final class EventHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

  /** Event streams served at once. */
  public static final int MAX_CLIENTS = 16;

  /** Events queued per client before new ones are dropped for it. */
  public static final int CLIENT_QUEUE = 2048;

  /** Log lines replayed to a new client. */
  public static final int BACKLOG = 200;

  /** How often the relay tells the engine's broadcast server it is still there. */
  static final long KEEP_ALIVE_MILLIS = 1_000;

  /** How often a keep-alive comment is sent to an idle stream. */
  static final long HEARTBEAT_MILLIS = 10_000;

  /** {@code 2026-11-24T17:02:11.482Z INFO [thread] logger - msg}: the level is the 2nd word. */
  private static final Pattern LEVEL = Pattern.compile("^\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR)\\b");

  private final int logPort;
  private final Path logSocket;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final ArrayDeque<ObjectNode> backlog = new ArrayDeque<>();
  private final AtomicInteger clientIds = new AtomicInteger();
  private final AtomicInteger places = new AtomicInteger();
  private final Thread relay;
  private volatile boolean running = true;
  private volatile String relayState;
  private volatile SocketChannel relaySocket;
  private String lastLevel = "INFO";

  /** A subscriber's choice of events. */
  public enum Topic {
    LOG,
    STATS
  }

  /**
   * @param logPort the engine's log broadcast port, 0 when the engine runs none
   */
  public EventHub(int logPort) {
    this(logPort, null);
  }

  /**
   * @param logPort the engine's log broadcast port on 127.0.0.1, 0 when it runs none there
   * @param logSocket the engine's log broadcast Unix-domain socket, or {@code null} when none
   */
  public EventHub(int logPort, Path logSocket) {
    this.logPort = logPort;
    this.logSocket = logSocket;
    boolean enabled = logPort != 0 || logSocket != null;
    this.relayState = enabled ? "connecting" : "disabled";
    this.relay = new Thread(this::relayLoop, "kiwi-server-log-relay");
    relay.setDaemon(true);
    if (enabled) {
      relay.start();
    }
  }

  /** {@code connected}, {@code connecting}, {@code disabled} (log port 0) or {@code closed}. */
  public String relayState() {
    return relayState;
  }

  /** The number of event streams open now. */
  public int clientCount() {
    return clients.size();
  }

  /** The places taken: open streams and streams about to start. */
  int placesTaken() {
    return places.get();
  }

  private SocketChannel connectRelay() throws IOException {
    SocketAddress to =
        logSocket != null
            ? UnixDomainSocketAddress.of(logSocket)
            : new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), logPort);
    SocketChannel ch =
        SocketChannel.open(
            logSocket != null ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
    try {
      ch.connect(to); // loopback or local: a refusal is immediate
      return ch;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  private void relayLoop() {
    Thread keepAlive = new Thread(this::keepAliveLoop, "kiwi-server-log-keepalive");
    keepAlive.setDaemon(true);
    keepAlive.start();
    try {
      while (running) {
        try (SocketChannel s = connectRelay()) {
          relaySocket = s;
          relayState = "connected";
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(Channels.newInputStream(s), StandardCharsets.UTF_8));
          for (String line = in.readLine(); line != null && running; line = in.readLine()) {
            publishLog(line);
          }
        } catch (IOException e) {
          if (running) {
            LOG.debug("log relay: {}", e.toString());
          }
        } finally {
          relaySocket = null;
        }
        if (!running) {
          break;
        }
        // The engine closes its broadcast when it closes; until then, reconnect.
        relayState = "connecting";
        try {
          TimeUnit.MILLISECONDS.sleep(1000);
        } catch (InterruptedException e) {
          break;
        }
      }
    } finally {
      keepAlive.interrupt();
      relayState = "closed";
    }
  }

  /** Sends a newline to the broadcast server now and then: it ignores it, and stays connected. */
  private void keepAliveLoop() {
    while (running) {
      try {
        TimeUnit.MILLISECONDS.sleep(KEEP_ALIVE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      SocketChannel s = relaySocket;
      if (s != null) {
        try {
          s.write(ByteBuffer.wrap(new byte[] {'\n'}));
        } catch (IOException e) {
          // The relay sees the broken connection on its next read and reconnects.
        }
      }
    }
  }

  void publishLog(String line) {
    String level;
    synchronized (backlog) {
      Matcher m = LEVEL.matcher(line);
      // A stack trace's lines carry no level: they belong to the line before.
      level = m.find() ? m.group(1) : lastLevel;
      lastLevel = level;
    }
    ObjectNode n = Json.object();
    n.put("line", line);
    n.put("level", level);
    synchronized (backlog) {
      backlog.addLast(n);
      while (backlog.size() > BACKLOG) {
        backlog.removeFirst();
      }
    }
    for (Client c : clients) {
      if (c.topics.contains(Topic.LOG)) {
        c.offer(new Event("log", Json.write(n)));
      }
    }
  }

  /** Sends a stats sample to every stream that asked for stats. */
  public void publishStats(ObjectNode sample) {
    String data = Json.write(sample);
    for (Client c : clients) {
      if (c.topics.contains(Topic.STATS)) {
        c.offer(new Event("stats", data));
      }
    }
  }

  /**
   * Reserves a place for a new stream before it starts, so a refusal is a real 503 and never an
   * accepted stream that ends at once. The place is held until that stream ends.
   *
   * @throws ProblemException 503 when {@link #MAX_CLIENTS} streams are open or reserved
   */
  public void reserve() {
    if (!running) {
      throw new ProblemException(503, "server-stopping", "Server stopping", "shutting down", null);
    }
    int n;
    do {
      n = places.get();
    } while (n < MAX_CLIENTS && !places.compareAndSet(n, n + 1));
    if (n >= MAX_CLIENTS) {
      throw new ProblemException(
          503,
          "too-many-streams",
          "Too many event streams",
          MAX_CLIENTS + " event streams are open already; close a dashboard tab",
          null,
          5,
          null);
    }
  }

  /**
   * Serves one event stream, in the place {@link #reserve} took, until the browser goes away or the
   * server stops.
   */
  public void attach(SseClient sse, Set<Topic> topics) {
    if (!running) {
      places.decrementAndGet();
      sse.close();
      return;
    }
    Client c = new Client(sse, topics, clientIds.incrementAndGet());
    ObjectNode hello = Json.object();
    hello.put("log_port", logPort);
    hello.put("log_socket", logSocket == null ? null : logSocket.toString());
    hello.put("log_relay", relayState);
    hello.put("stats_interval_millis", StatsSampler.INTERVAL_MILLIS);
    c.offer(new Event("hello", Json.write(hello)));
    if (topics.contains(Topic.LOG)) {
      synchronized (backlog) {
        for (ObjectNode n : backlog) {
          ObjectNode copy = n.deepCopy();
          copy.put("backlog", true);
          c.offer(new Event("log", Json.write(copy)));
        }
      }
    }
    clients.add(c);
    sse.onClose(c::stop);
    sse.keepAlive();
    c.sender.start();
  }

  @Override
  public void close() {
    running = false;
    SocketChannel s = relaySocket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing is how the relay stops.
      }
    }
    relay.interrupt();
    for (Client c : clients) {
      c.stop();
      c.sse.close();
    }
    clients.clear();
  }

  private record Event(String name, String data) {}

  private static final Event STOP = new Event("", "");

  private final class Client {
    final SseClient sse;
    final Set<Topic> topics;
    final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(CLIENT_QUEUE);
    final AtomicInteger dropped = new AtomicInteger();
    final Thread sender;
    final java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();
    volatile boolean open = true;

    Client(SseClient sse, Set<Topic> topics, int id) {
      this.sse = sse;
      this.topics = topics;
      this.sender = new Thread(this::sendLoop, "kiwi-server-events-" + id);
      sender.setDaemon(true);
    }

    void offer(Event e) {
      if (!queue.offer(e)) {
        dropped.incrementAndGet();
      }
    }

    @SuppressWarnings("ReferenceEquality") // STOP is a sentinel
    void sendLoop() {
      try {
        while (open && !sse.terminated()) {
          Event e = queue.poll(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
          if (e == STOP) {
            break;
          }
          if (e == null) {
            sse.sendComment("keep-alive");
            continue;
          }
          int missed = dropped.getAndSet(0);
          if (missed > 0) {
            sse.sendEvent("dropped", "{\"events\":" + missed + "}");
          }
          sse.sendEvent(e.name(), e.data());
        }
      } catch (InterruptedException e) {
        // stop()
      } catch (RuntimeException e) {
        LOG.debug("event stream ended: {}", e.toString());
      } finally {
        clients.remove(this);
        release();
        sse.close();
      }
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        places.decrementAndGet();
      }
    }

    void stop() {
      open = false;
      clients.remove(this);
      queue.clear();
      queue.offer(STOP);
    }
  }
}
