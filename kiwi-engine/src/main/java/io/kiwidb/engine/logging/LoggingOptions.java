package io.kiwidb.engine.logging;

import io.kiwidb.engine.config.EngineConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How an engine logs.
 *
 * @param fileEnabled write {@code logs/kiwidb.log}; off when the engine runs on a non-local {@link
 *     io.kiwidb.api.spi.FileSystem} (the log capture writes real files, and an in-memory store must
 *     not leave any)
 * @param broadcast where the log broadcast listens ({@code log_broadcast}, off when {@code
 *     log_broadcast_enabled} is false)
 * @param broadcastPort the preferred TCP port ({@code log_broadcast_port}); 0 for any free port
 * @param idleTimeout a broadcast client that neither reads nor sends anything for this long is
 *     disconnected ({@code log_broadcast_idle_timeout_s}); {@link Duration#ZERO} for never
 * @param clientQueueCapacity lines buffered per broadcast client before lines are dropped for it
 * @param maxClients broadcast clients served at once
 * @param maxFileBytes roll {@code kiwidb.log} when it reaches this size
 * @param maxHistoryDays keep rolled files for this many days
 * @param totalSizeCapBytes delete the oldest rolled files beyond this total
 */
public record LoggingOptions(
    boolean fileEnabled,
    Broadcast broadcast,
    int broadcastPort,
    Duration idleTimeout,
    int clientQueueCapacity,
    int maxClients,
    long maxFileBytes,
    int maxHistoryDays,
    long totalSizeCapBytes) {

  /** Where the broadcast server listens. */
  public enum Broadcast {
    /** On 127.0.0.1, at {@code broadcastPort} or a free port. */
    TCP,
    /** On {@code <data_root>/logs/kiwidb.sock}, for the owner only. */
    UNIX,
    /** Nowhere: no broadcast server. */
    OFF;

    /** The config value: {@code tcp}, {@code unix} or {@code off}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The default idle timeout of broadcast clients (the {@code log_broadcast_idle_timeout_s}). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

  /** Validates the values. */
  public LoggingOptions {
    Objects.requireNonNull(broadcast, "broadcast");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (broadcastPort < 0 || broadcastPort > 65535) {
      throw new IllegalArgumentException("broadcastPort must be 0..65535: " + broadcastPort);
    }
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idleTimeout must not be negative: " + idleTimeout);
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

  /**
   * Defaults: file on, broadcast on TCP port 9009, idle clients dropped after 300 s, 64 MiB files,
   * 7 days, 1 GiB in total.
   */
  public static LoggingOptions defaults() {
    return new LoggingOptions(
        true,
        Broadcast.TCP,
        LogBroadcastServer.DEFAULT_PORT,
        DEFAULT_IDLE_TIMEOUT,
        LogBroadcastServer.DEFAULT_CLIENT_QUEUE,
        LogBroadcastServer.DEFAULT_MAX_CLIENTS,
        64L << 20,
        7,
        1L << 30);
  }

  /**
   * The defaults with the broadcast keys of {@code config}: {@code log_broadcast_enabled=false}
   * turns the broadcast off whatever {@code log_broadcast} says.
   *
   * @param localFileSystem whether the engine runs on the local file system: the log file and a
   *     Unix-domain socket need real paths, so without it both are off
   */
  public static LoggingOptions from(EngineConfig config, boolean localFileSystem) {
    LoggingOptions d = defaults();
    Broadcast mode =
        !config.logBroadcastEnabled()
            ? Broadcast.OFF
            : Broadcast.valueOf(config.logBroadcast().toUpperCase(Locale.ROOT));
    if (mode == Broadcast.UNIX && !localFileSystem) {
      mode = Broadcast.OFF;
    }
    return new LoggingOptions(
        localFileSystem,
        mode,
        config.logBroadcastPort(),
        config.logBroadcastIdleTimeout(),
        d.clientQueueCapacity,
        d.maxClients,
        d.maxFileBytes,
        d.maxHistoryDays,
        d.totalSizeCapBytes);
  }

  /** Whether a broadcast server runs. */
  public boolean broadcastEnabled() {
    return broadcast != Broadcast.OFF;
  }

  /** These options with file logging on or off. */
  public LoggingOptions withFile(boolean enabled) {
    return new LoggingOptions(
        enabled,
        broadcast,
        broadcastPort,
        idleTimeout,
        clientQueueCapacity,
        maxClients,
        maxFileBytes,
        maxHistoryDays,
        totalSizeCapBytes);
  }

  /** These options with the TCP broadcast server on (preferring {@code port}) or off. */
  public LoggingOptions withBroadcast(boolean enabled, int port) {
    return new LoggingOptions(
        fileEnabled,
        enabled ? Broadcast.TCP : Broadcast.OFF,
        port,
        idleTimeout,
        clientQueueCapacity,
        maxClients,
        maxFileBytes,
        maxHistoryDays,
        totalSizeCapBytes);
  }

  /** These options with the broadcast listening on {@code where}. */
  public LoggingOptions withBroadcast(Broadcast where) {
    return new LoggingOptions(
        fileEnabled,
        where,
        broadcastPort,
        idleTimeout,
        clientQueueCapacity,
        maxClients,
        maxFileBytes,
        maxHistoryDays,
        totalSizeCapBytes);
  }

  /** These options with another idle timeout for broadcast clients ({@code ZERO}: never). */
  public LoggingOptions withIdleTimeout(Duration timeout) {
    return new LoggingOptions(
        fileEnabled,
        broadcast,
        broadcastPort,
        timeout,
        clientQueueCapacity,
        maxClients,
        maxFileBytes,
        maxHistoryDays,
        totalSizeCapBytes);
  }
}
