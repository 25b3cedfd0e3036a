package io.kiwidb.engine.logback;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.kiwidb.api.spi.LogCapture;

/**
 * Where one engine's events go: its rolling file appender (absent when file logging is off) and its
 * broadcast (absent when broadcasting is off).
 *
 * <p>Thread safety: the file appender locks internally; the layout is thread-safe; the server's
 * publish never blocks.
 */
final class EngineSinks {
  private final Appender<ILoggingEvent> file;
  private final LogCapture.LineSink server;
  private final PatternLayout layout;

  EngineSinks(Appender<ILoggingEvent> file, LogCapture.LineSink server, PatternLayout layout) {
    this.file = file;
    this.server = server;
    this.layout = layout;
  }

  void append(ILoggingEvent event) {
    if (file != null) {
      file.doAppend(event);
    }
    if (server != null && server.wantsLines()) {
      server.publish(layout.doLayout(event));
    }
  }
}
