package io.kiwidb.cli;

import io.kiwidb.api.StorageEngine;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an engine's log broadcast listens: a TCP port on 127.0.0.1 ({@code log_broadcast: tcp}), a
 * Unix-domain socket ({@code log_broadcast: unix}), or nowhere.
 *
 * @param port the TCP port, 0 when not on TCP
 * @param socket the socket file, or {@code null} when not on a Unix-domain socket
 */
record LogTarget(int port, Path socket) {
  /** No broadcast. */
  static final LogTarget NONE = new LogTarget(0, null);

  LogTarget {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    if (port != 0 && socket != null) {
      throw new IllegalArgumentException("a log target is a port or a socket, not both");
    }
  }

  static LogTarget tcp(int port) {
    return new LogTarget(port, null);
  }

  static LogTarget unix(Path socket) {
    return new LogTarget(0, Objects.requireNonNull(socket, "socket"));
  }

  /** Where {@code engine} broadcasts its log. */
  static LogTarget of(StorageEngine engine) {
    return engine.logSocket().map(LogTarget::unix).orElseGet(() -> tcp(engine.logPort()));
  }

  /** Whether there is no broadcast to follow. */
  boolean isNone() {
    return port == 0 && socket == null;
  }

  /** {@code 127.0.0.1:9009} or the socket's path, for messages. */
  String describe() {
    return socket != null ? socket.toString() : "127.0.0.1:" + port;
  }
}
