package io.kiwidb.engine.conformance;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.kiwidb.engine.logging.EngineLogging;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Captures the log events of the engines on one data root (by the engine tag in the MDC, so other
 * engines in the JVM do not interfere), to check the reference's log lines: their order and their
 * key-value pairs.
 *
 * <p>Thread safety: events arrive from any thread; readers get copies.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final String enginePrefix;
  private final List<ILoggingEvent> events = new ArrayList<>();
  private final Logger kiwi;

  private LogCapture(Path dataRoot) {
    this.enginePrefix = dataRoot.getFileName() + "#";
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    setContext(ctx);
    setName("conformance-capture-" + dataRoot);
    kiwi = ctx.getLogger("io.kiwidb");
  }

  /** Starts capturing the events of engines opened on {@code dataRoot}. */
  static LogCapture of(Path dataRoot) {
    LogCapture c = new LogCapture(dataRoot);
    c.start();
    c.kiwi.addAppender(c);
    return c;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String engine = event.getMDCPropertyMap().get(EngineLogging.MDC_KEY);
    if (engine != null && engine.startsWith(enginePrefix)) {
      synchronized (events) {
        events.add(event);
      }
    }
  }

  /** Every captured event, in order. */
  List<ILoggingEvent> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  /** The messages (without key-value pairs), in order. */
  List<String> messages() {
    return events().stream().map(ILoggingEvent::getMessage).toList();
  }

  /** Forgets what was captured so far. */
  void clear() {
    synchronized (events) {
      events.clear();
    }
  }

  /** The last event with this message. */
  ILoggingEvent last(String message) {
    List<ILoggingEvent> all = events();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).getMessage().equals(message)) {
        return all.get(i);
      }
    }
    throw new NoSuchElementException("no log line '" + message + "' in " + messages());
  }

  /** The key-value pairs of the last event with this message, as strings. */
  Map<String, String> kv(String message) {
    Map<String, String> out = new LinkedHashMap<>();
    List<KeyValuePair> pairs = last(message).getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair p : pairs) {
        out.put(p.key, String.valueOf(p.value));
      }
    }
    return out;
  }

  /** Where each message first occurs; fails naming the missing one. */
  int indexOf(String message) {
    int i = messages().indexOf(message);
    if (i < 0) {
      throw new NoSuchElementException("no log line '" + message + "' in " + messages());
    }
    return i;
  }

  /**
   * Asserts that each message occurs, each first occurrence after the previous one's.
   *
   * @return where the last one is
   */
  int assertInOrder(List<String> steps) {
    int previous = -1;
    for (String step : steps) {
      int at = indexOf(step);
      if (at <= previous) {
        throw new AssertionError(step + " out of order in " + messages());
      }
      previous = at;
    }
    return previous;
  }

  @Override
  public void close() {
    kiwi.detachAppender(this);
    stop();
  }
}
