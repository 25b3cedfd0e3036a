package io.kiwidb.api.spi;

import java.nio.file.Path;

/**
 * Captures one engine's log events for its own log file ({@code <data_root>/logs/kiwidb.log}) and
 * its log broadcast. The engine finds implementations through {@link java.util.ServiceLoader} and
 * uses the first one that is {@linkplain #available() available} with the slf4j binding in use; the
 * stock one, {@code logback} in artifact {@code io.kiwidb:kiwi-engine-logback}, works when slf4j is
 * bound to logback-classic. Without one the engine still logs through slf4j as any library does,
 * but writes no file of its own and runs no broadcast (see {@code docs/logging.md}).
 *
 * <p>Which events belong to an engine: kiwi-db code logs through ordinary slf4j loggers under
 * {@code io.kiwidb}, and each thread working for an engine carries that engine's id in the slf4j
 * MDC under {@link #ENGINE_MDC_KEY}. A capture routes by that key; an event without it goes to the
 * only engine being captured, if there is exactly one.
 *
 * <p>Thread safety: implementations must allow {@link #start} and the returned handle's {@code
 * close} from any thread, and must never block the logging thread on a broadcast client.
 */
public interface LogCapture extends NamedProvider {
  /** The slf4j MDC key holding the id of the engine the current thread works for. */
  String ENGINE_MDC_KEY = "kiwi.engine";

  /**
   * Whether this capture works with the slf4j binding in use (for logback: whether {@code
   * LoggerFactory.getILoggerFactory()} is logback's).
   */
  boolean available();

  /**
   * Starts capturing the events of one engine.
   *
   * @param engineId the engine's id, as found in the MDC under {@link #ENGINE_MDC_KEY}
   * @param logFile the rolling log file to write, or {@code null} for none
   * @param rolling when {@code logFile} rolls and how long rolled files are kept
   * @param broadcast receives each event as one formatted line, or {@code null} for none
   * @return the running capture; closing it stops the capture and closes the file
   * @throws IllegalStateException if an engine with this id is being captured already, or the file
   *     cannot be opened
   */
  Capture start(String engineId, Path logFile, Rolling rolling, LineSink broadcast);

  /** A running capture. */
  interface Capture extends AutoCloseable {
    /** Stops capturing and closes the file. Idempotent. */
    @Override
    void close();
  }

  /** Where a capture sends formatted lines (the engine's broadcast server). */
  interface LineSink {
    /** Whether anyone listens now; when not, the capture skips formatting the line. */
    boolean wantsLines();

    /** One formatted line, ending in a newline. Must not block. */
    void publish(String line);
  }

  /**
   * How the log file rolls.
   *
   * @param maxFileBytes roll the file when it reaches this size
   * @param maxHistoryDays keep rolled files for this many days
   * @param totalSizeCapBytes delete the oldest rolled files beyond this total
   */
  record Rolling(long maxFileBytes, int maxHistoryDays, long totalSizeCapBytes) {}
}
