package io.kiwidb.engine.logging;

import io.kiwidb.api.spi.LogCapture;
import io.kiwidb.api.spi.NamedProviders;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One engine's logging: its rolling {@code <data_root>/logs/kiwidb.log} and its log broadcast
 * server (on 127.0.0.1 or a Unix-domain socket). Started first when an engine opens, closed last
 * when it closes.
 *
 * <p>Routing: every kiwi-db class logs through ordinary slf4j loggers under {@code io.kiwidb}
 * (including the WAL, memtable and table modules, which know nothing of engines). An event belongs
 * to the engine whose id is in the MDC under {@link #MDC_KEY} on the logging thread. The engine
 * sets it on its own threads ({@link #threadFactory}) and around each public call on caller threads
 * ({@link #enter()}). See {@code docs/logging.md} for why MDC rather than per-engine logger names.
 *
 * <p>Capture: the engine's own file and broadcast stream are fed by a {@link LogCapture} found
 * through ServiceLoader that works with the slf4j binding in use (the {@code logback} one in {@code
 * io.kiwidb:kiwi-engine-logback}). This module has no logging backend of its own: with no such
 * capture there is no engine file and no broadcast server (one INFO line says so), and kiwi-db's
 * lines go wherever the application's binding sends {@code io.kiwidb}.
 *
 * <p>Thread safety: all methods are safe from any thread; {@link #close()} is idempotent.
 */
public final class EngineLogging implements AutoCloseable {
  /** The MDC key holding the engine id of the code running on a thread. */
  public static final String MDC_KEY = LogCapture.ENGINE_MDC_KEY;

  /** The engine log's file name in {@code <data_root>/logs}. */
  public static final String LOG_FILE = "kiwidb.log";

  /** The broadcast socket's file name in {@code <data_root>/logs} ({@code log_broadcast: unix}). */
  public static final String SOCKET_FILE = "kiwidb.sock";

  private static final Logger LOG = LoggerFactory.getLogger(EngineLogging.class);
  private static final AtomicLong IDS = new AtomicLong();

  private static final Scope NO_OP = () -> {};
  private static final Scope REMOVE = () -> MDC.remove(MDC_KEY);

  private final String engineId;
  private final LogCapture.Capture capture; // null without a capture
  private final LogBroadcastServer server;
  private final Path logFile;
  private boolean closed;

  private EngineLogging(
      String engineId, LogCapture.Capture capture, LogBroadcastServer server, Path logFile) {
    this.engineId = engineId;
    this.capture = capture;
    this.server = server;
    this.logFile = logFile;
  }

  /** A fresh engine id for {@code dataRoot}: its directory name plus a per-JVM counter. */
  public static String newEngineId(Path dataRoot) {
    Path name = dataRoot.toAbsolutePath().normalize().getFileName();
    return (name == null ? "root" : name.toString()) + "#" + IDS.incrementAndGet();
  }

  /**
   * Starts an engine's logging with the first installed {@link LogCapture} that works with the
   * slf4j binding in use.
   *
   * @param logsDir the engine's log directory ({@code <data_root>/logs}); it must exist when file
   *     logging or the Unix-domain broadcast is on
   * @param engineId a JVM-unique id, from {@link #newEngineId}
   * @throws io.kiwidb.api.KiwiIOException if the broadcast server cannot listen at all
   * @throws IllegalStateException if an engine with this id is already logging
   */
  public static EngineLogging start(Path logsDir, String engineId, LoggingOptions options) {
    return start(logsDir, engineId, options, installedCaptures());
  }

  /** The log captures on the module or class path, by name. */
  static List<LogCapture> installedCaptures() {
    // Through NamedProviders: kiwi-api declares `uses` for every SPI.
    return List.copyOf(NamedProviders.all(LogCapture.class).values());
  }

  static EngineLogging start(
      Path logsDir, String engineId, LoggingOptions options, List<LogCapture> captures) {
    Objects.requireNonNull(logsDir, "logsDir");
    Objects.requireNonNull(engineId, "engineId");
    Objects.requireNonNull(options, "options");
    LogCapture chosen = captures.stream().filter(LogCapture::available).findFirst().orElse(null);
    if (chosen == null) {
      EngineLogging logging = new EngineLogging(engineId, null, null, null);
      String installed =
          captures.isEmpty()
              ? "none installed"
              : captures.stream().map(LogCapture::name).toList() + " installed";
      logging.run(
          () ->
              LOG.atInfo()
                  .addKeyValue("binding", LoggerFactory.getILoggerFactory().getClass().getName())
                  .addKeyValue("log_captures", installed)
                  .setMessage(
                      "No engine log file and no log broadcast: no log capture works with this"
                          + " slf4j binding (io.kiwidb:kiwi-engine-logback does with logback);"
                          + " kiwi-db logs only through the application's binding")
                  .log());
      return logging;
    }
    LogBroadcastServer server = LogBroadcastServer.forOptions(options, logsDir, engineId);
    if (server != null) {
      server.start();
    }
    Path logFile = options.fileEnabled() ? logsDir.resolve(LOG_FILE) : null;
    LogCapture.Capture capture;
    try {
      capture =
          chosen.start(
              engineId,
              logFile,
              new LogCapture.Rolling(
                  options.maxFileBytes(), options.maxHistoryDays(), options.totalSizeCapBytes()),
              server);
    } catch (RuntimeException e) {
      if (server != null) {
        server.stop();
      }
      throw e;
    }
    EngineLogging logging = new EngineLogging(engineId, capture, server, logFile);
    if (server != null && server.usedFallbackPort()) {
      int port = server.port();
      logging.run(
          () ->
              LOG.atWarn()
                  .addKeyValue("preferred_port", options.broadcastPort())
                  .addKeyValue("port", port)
                  .setMessage("Log broadcast port taken; bound a free one")
                  .log());
    }
    return logging;
  }

  /** This engine's id, as found in the MDC under {@link #MDC_KEY}. */
  public String engineId() {
    return engineId;
  }

  /**
   * The broadcast server's TCP port, or 0 when broadcasting is off, on a Unix-domain socket, or
   * after close.
   */
  public int logPort() {
    return server == null ? 0 : server.port();
  }

  /** The broadcast server's Unix-domain socket, or empty when it listens on none. */
  public Optional<Path> logSocket() {
    return server == null ? Optional.empty() : server.socketFile();
  }

  /** The engine log file, or empty when file logging is off. */
  public Optional<Path> logFile() {
    return Optional.ofNullable(logFile);
  }

  /** The broadcast server, or empty when broadcasting is off. */
  public Optional<LogBroadcastServer> broadcastServer() {
    return Optional.ofNullable(server);
  }

  /**
   * Tags the calling thread with this engine until the returned scope closes, restoring whatever
   * tag it had before. Wrap each public engine call that may log:
   *
   * <pre>{@code
   * EngineLogging.Scope s = logging.enter();
   * try { ... } finally { s.close(); }
   * }</pre>
   *
   * (A try-with-resources works too, but javac's {@code -Xlint:try} flags a resource the body never
   * names; {@link #run} and {@link #call} are the lambda forms.) Re-entering the same engine costs
   * one MDC read.
   */
  public Scope enter() {
    String previous = MDC.get(MDC_KEY);
    if (engineId.equals(previous)) {
      return NO_OP;
    }
    MDC.put(MDC_KEY, engineId);
    return previous == null ? REMOVE : () -> MDC.put(MDC_KEY, previous);
  }

  /**
   * A thread factory for the engine's own threads: daemon threads named {@code
   * kiwi-<role>-<engineId>-<n>}, tagged with this engine for their whole life.
   */
  public ThreadFactory threadFactory(String role) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t =
          new Thread(
              () -> {
                MDC.put(MDC_KEY, engineId);
                r.run();
              },
              "kiwi-" + role + "-" + engineId + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Runs {@code task} on this thread, tagged with this engine. */
  public void run(Runnable task) {
    Scope s = enter();
    try {
      task.run();
    } finally {
      s.close();
    }
  }

  /** Calls {@code task} on this thread, tagged with this engine, and returns its result. */
  public <T> T call(Supplier<T> task) {
    Scope s = enter();
    try {
      return task.get();
    } finally {
      s.close();
    }
  }

  /** Wraps a task for a shared executor so it runs tagged with this engine. */
  public Runnable wrap(Runnable task) {
    return () -> run(task);
  }

  /** Wraps a task for a shared executor so it runs tagged with this engine. */
  public <T> Callable<T> wrap(Callable<T> task) {
    return () -> {
      Scope s = enter();
      try {
        return task.call();
      } finally {
        s.close();
      }
    };
  }

  /**
   * Stops the capture (closing the log file) and the broadcast server (closing every client). Call
   * it last when the engine closes, so shutdown lines are still written and streamed. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (capture != null) {
      capture.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  /** A thread tag from {@link #enter()}; closing it restores the previous tag. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
