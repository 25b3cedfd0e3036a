package io.kiwidb.reliability.model;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model runs open hundreds of engines and power-cut many of them; at the default level their INFO
 * lines and the expected errors of a dead process would bury the seed lines. Done in code rather
 * than with a {@code logback-test.xml}, so this package adds no shared resource to the module.
 */
final class QuietLogs {
  private QuietLogs() {}

  static void install() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(Level.WARN);
      ((Logger) LoggerFactory.getLogger("io.kiwidb")).setLevel(Level.OFF);
    }
  }
}
