package io.kiwidb.engine.logback;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.kiwidb.api.spi.LogCapture;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The {@code logback} log capture: each engine's rolling {@code <data_root>/logs/kiwidb.log} and
 * the lines for its broadcast, taken from the application's logback {@link LoggerContext} without
 * reconfiguring it. One appender (the router) is added to the {@code io.kiwidb} logger with the
 * first engine and removed with the last; it hands each event to the sinks of the engine named by
 * the event's {@link LogCapture#ENGINE_MDC_KEY}. The root logger is never touched and the context
 * never reset, so kiwi-db events still reach the application's own appenders. See {@code
 * docs/logging.md}.
 *
 * <p>Thread safety: {@link #start} and the captures' {@code close} from any thread.
 */
public final class LogbackCapture implements LogCapture {
  /** The line format of the engine file and the broadcast stream. */
  public static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg %kvp%n";

  /** Creates the capture (ServiceLoader does this). */
  public LogbackCapture() {}

  @Override
  public String name() {
    return "logback";
  }

  /** Whether slf4j is bound to logback-classic. */
  @Override
  public boolean available() {
    return LoggerFactory.getILoggerFactory() instanceof LoggerContext;
  }

  @Override
  public Capture start(String engineId, Path logFile, Rolling rolling, LineSink broadcast) {
    return start(LoggerFactory.getILoggerFactory(), engineId, logFile, rolling, broadcast);
  }

  static Capture start(
      ILoggerFactory factory, String engineId, Path logFile, Rolling rolling, LineSink broadcast) {
    Objects.requireNonNull(engineId, "engineId");
    Objects.requireNonNull(rolling, "rolling");
    if (!(factory instanceof LoggerContext ctx)) {
      throw new IllegalStateException(
          "slf4j is bound to " + factory.getClass().getName() + ", not to logback-classic");
    }
    PatternLayout layout = new PatternLayout();
    layout.setContext(ctx);
    layout.setPattern(PATTERN);
    layout.start();
    RollingFileAppender<ILoggingEvent> file =
        logFile == null ? null : startFile(ctx, logFile, engineId, rolling);
    try {
      LogRouter.register(ctx, engineId, new EngineSinks(file, broadcast, layout));
    } catch (RuntimeException e) {
      if (file != null) {
        file.stop();
      }
      throw e;
    }
    return new Capture() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (closed) {
          return;
        }
        closed = true;
        LogRouter.unregister(ctx, engineId);
        if (file != null) {
          file.stop();
        }
      }
    };
  }

  private static RollingFileAppender<ILoggingEvent> startFile(
      LoggerContext ctx, Path logFile, String engineId, Rolling rolling) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();

    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName("kiwidb-file-" + engineId);
    appender.setFile(logFile.toString());
    appender.setEncoder(encoder);

    Path logsDir = logFile.toAbsolutePath().getParent();
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(appender);
    policy.setFileNamePattern(logsDir.resolve("kiwidb.%d{yyyy-MM-dd}.%i.log.gz").toString());
    policy.setMaxFileSize(new FileSize(rolling.maxFileBytes()));
    policy.setMaxHistory(rolling.maxHistoryDays());
    policy.setTotalSizeCap(new FileSize(rolling.totalSizeCapBytes()));
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
}
