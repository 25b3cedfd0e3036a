package io.kiwidb.engine.logging;

import io.kiwidb.engine.config.EngineConfig;

/**
 * How an engine logs.
 *
 * @param fileEnabled write {@code logs/kiwidb.log}; off when the engine runs on a non-local {@link
 *     io.kiwidb.api.spi.FileSystem} (logback writes real files, and an in-memory store must not
 *     leave any)
 * @param broadcastEnabled run the TCP broadcast server ({@code log_broadcast_enabled})
 * @param broadcastPort its preferred port ({@code log_broadcast_port}); 0 for any free port
 * @param clientQueueCapacity lines buffered per broadcast client before lines are dropped for it
 * @param maxClients broadcast clients served at once
 * @param maxFileBytes roll {@code kiwidb.log} when it reaches this size
 * @param maxHistoryDays keep rolled files for this many days
 * @param totalSizeCapBytes delete the oldest rolled files beyond this total
 */
public record LoggingOptions(
    boolean fileEnabled,
    boolean broadcastEnabled,
    int broadcastPort,
    int clientQueueCapacity,
    int maxClients,
    long maxFileBytes,
    int maxHistoryDays,
    long totalSizeCapBytes) {

  /** Validates the values. */
  public LoggingOptions {
    if (broadcastPort < 0 || broadcastPort > 65535) {
      throw new IllegalArgumentException("broadcastPort must be 0..65535: " + broadcastPort);
    }
    if (clientQueueCapacity < 1 || maxClients < 1) {
      throw new IllegalArgumentException(
          "clientQueueCapacity and maxClients must be positive: "
              + clientQueueCapacity
              + ", "
              + maxClients);
    }
    if (maxFileBytes < 1024 || maxHistoryDays < 1 || totalSizeCapBytes < maxFileBytes) {
      throw new IllegalArgumentException(
          "invalid rolling limits: maxFileBytes="
              + maxFileBytes
              + " maxHistoryDays="
              + maxHistoryDays
              + " totalSizeCapBytes="
              + totalSizeCapBytes);
    }
  }

  /** Defaults: file on, broadcast on port 9009, 64 MiB files, 7 days, 1 GiB in total. */
  public static LoggingOptions defaults() {
    return new LoggingOptions(
        true,
        true,
        LogBroadcastServer.DEFAULT_PORT,
        LogBroadcastServer.DEFAULT_CLIENT_QUEUE,
        LogBroadcastServer.DEFAULT_MAX_CLIENTS,
        64L << 20,
        7,
        1L << 30);
  }

  /** The defaults with the broadcast keys of {@code config}. */
  public static LoggingOptions from(EngineConfig config, boolean fileEnabled) {
    LoggingOptions d = defaults();
    return new LoggingOptions(
        fileEnabled,
        config.logBroadcastEnabled(),
        config.logBroadcastPort(),
        d.clientQueueCapacity,
        d.maxClients,
        d.maxFileBytes,
        d.maxHistoryDays,
        d.totalSizeCapBytes);
  }

  /** These options with file logging on or off. */
  public LoggingOptions withFile(boolean enabled) {
    return new LoggingOptions(
        enabled,
        broadcastEnabled,
        broadcastPort,
        clientQueueCapacity,
        maxClients,
        maxFileBytes,
        maxHistoryDays,
        totalSizeCapBytes);
  }

  /** These options with the broadcast server on or off, preferring {@code port}. */
  public LoggingOptions withBroadcast(boolean enabled, int port) {
    return new LoggingOptions(
        fileEnabled,
        enabled,
        port,
        clientQueueCapacity,
        maxClients,
        maxFileBytes,
        maxHistoryDays,
        totalSizeCapBytes);
  }
}
