package io.kiwidb.engine.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One engine's logging: its rolling {@code <data_root>/logs/kiwidb.log} and its TCP log broadcast
 * server. Started first when an engine opens, closed last when it closes.
 *
 * <p>Routing: every kiwi-db class logs through ordinary slf4j loggers under {@code io.kiwidb}
 * (including the WAL, memtable and table modules, which know nothing of engines). An event belongs
 * to the engine whose id is in the MDC under {@link #MDC_KEY} on the logging thread. The engine
 * sets it on its own threads ({@link #threadFactory}) and around each public call on caller threads
 * ({@link #enter()}). See {@code docs/logging.md} for why MDC rather than per-engine logger names.
 *
 * <p>The application's logback configuration is left in place: one appender is added to the {@code
 * io.kiwidb} logger (never a reset, never the root), so kiwi-db events also reach the application's
 * appenders as before. With another slf4j binding there is no engine file; the broadcast server
 * still runs but has nothing to stream, and a warning says so.
 *
 * <p>Thread safety: all methods are safe from any thread; {@link #close()} is idempotent.
 */
public final class EngineLogging implements AutoCloseable {
  /** The MDC key holding the engine id of the code running on a thread. */
  public static final String MDC_KEY = "kiwi.engine";

  /** The line format of the engine file and the broadcast stream. */
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg %kvp%n";

  private static final Logger LOG = LoggerFactory.getLogger(EngineLogging.class);
  private static final AtomicLong IDS = new AtomicLong();

  private static final Scope NO_OP = () -> {};
  private static final Scope REMOVE = () -> MDC.remove(MDC_KEY);

  private final String engineId;
  private final LoggerContext context; // null when the binding is not logback
  private final RollingFileAppender<ILoggingEvent> file;
  private final LogBroadcastServer server;
  private final Path logFile;
  private boolean closed;

  private EngineLogging(
      String engineId,
      LoggerContext context,
      RollingFileAppender<ILoggingEvent> file,
      LogBroadcastServer server,
      Path logFile) {
    this.engineId = engineId;
    this.context = context;
    this.file = file;
    this.server = server;
    this.logFile = logFile;
  }

  /** A fresh engine id for {@code dataRoot}: its directory name plus a per-JVM counter. */
  public static String newEngineId(Path dataRoot) {
    Path name = dataRoot.toAbsolutePath().normalize().getFileName();
    return (name == null ? "root" : name.toString()) + "#" + IDS.incrementAndGet();
  }

  /**
   * Starts an engine's logging.
   *
   * @param logsDir the engine's log directory ({@code <data_root>/logs}); it must exist when file
   *     logging is on
   * @param engineId a JVM-unique id, from {@link #newEngineId}
   * @throws io.kiwidb.api.KiwiIOException if the broadcast server cannot bind at all
   * @throws IllegalStateException if an engine with this id is already logging
   */
  public static EngineLogging start(Path logsDir, String engineId, LoggingOptions options) {
    return start(logsDir, engineId, options, LoggerFactory.getILoggerFactory());
  }

  static EngineLogging start(
      Path logsDir, String engineId, LoggingOptions options, ILoggerFactory factory) {
    Objects.requireNonNull(logsDir, "logsDir");
    Objects.requireNonNull(engineId, "engineId");
    Objects.requireNonNull(options, "options");
    LogBroadcastServer server = null;
    if (options.broadcastEnabled()) {
      server =
          new LogBroadcastServer(
              options.broadcastPort(),
              options.clientQueueCapacity(),
              options.maxClients(),
              engineId);
      server.start();
    }
    if (!(factory instanceof LoggerContext)) {
      EngineLogging logging = new EngineLogging(engineId, null, null, server, null);
      logging.run(
          () ->
              LOG.atWarn()
                  .addKeyValue("binding", factory.getClass().getName())
                  .setMessage(
                      "slf4j is not bound to logback: no engine log file, and the log broadcast"
                          + " server has nothing to stream")
                  .log());
      return logging;
    }
    LoggerContext ctx = (LoggerContext) factory;
    RollingFileAppender<ILoggingEvent> file = null;
    Path logFile = null;
    try {
      PatternLayout layout = new PatternLayout();
      layout.setContext(ctx);
      layout.setPattern(PATTERN);
      layout.start();
      if (options.fileEnabled()) {
        logFile = logsDir.resolve("kiwidb.log");
        file = startFile(ctx, logsDir, logFile, engineId, options);
      }
      LogRouter.register(ctx, engineId, new EngineSinks(file, server, layout));
    } catch (RuntimeException e) {
      if (file != null) {
        file.stop();
      }
      if (server != null) {
        server.stop();
      }
      throw e;
    }
    EngineLogging logging = new EngineLogging(engineId, ctx, file, server, logFile);
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

  private static RollingFileAppender<ILoggingEvent> startFile(
      LoggerContext ctx, Path logsDir, Path logFile, String engineId, LoggingOptions options) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();

    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName("kiwidb-file-" + engineId);
    appender.setFile(logFile.toString());
    appender.setEncoder(encoder);

    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(appender);
    policy.setFileNamePattern(logsDir.resolve("kiwidb.%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(new FileSize(options.maxFileBytes()));
    policy.setMaxHistory(options.maxHistoryDays());
    policy.setTotalSizeCap(new FileSize(options.totalSizeCapBytes()));
    policy.start();
    appender.setRollingPolicy(policy);
    appender.start();
    if (!appender.isStarted()) {
      policy.stop();
      throw new IllegalStateException(
          "cannot open the engine log " + logFile + "; see logback's status messages");
    }
    return appender;
  }

  /** This engine's id, as found in the MDC under {@link #MDC_KEY}. */
  public String engineId() {
    return engineId;
  }

  /** The broadcast server's port, or 0 when broadcasting is off (or after close). */
  public int logPort() {
    return server == null ? 0 : server.port();
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
   * Detaches the engine's sinks, closes its log file and stops its broadcast server (closing every
   * client). Call it last when the engine closes, so shutdown lines are still written and streamed.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (context != null) {
      LogRouter.unregister(context, engineId);
    }
    if (file != null) {
      file.stop();
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
