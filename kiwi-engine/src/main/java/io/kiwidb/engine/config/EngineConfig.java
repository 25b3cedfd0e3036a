package io.kiwidb.engine.config;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.CompactionOptions;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable, fully validated snapshot of every config key ({@link ConfigKeys}). Components read
 * typed accessors; {@link ConfigStore} produces a new snapshot on each change, so a component that
 * holds one sees a consistent set of values.
 *
 * <p>Invariants: every key of {@link ConfigKeys#all()} has a value of its normalised type, within
 * its range; {@code l0_compaction_threshold <= l0_slowdown_writes_threshold <=
 * l0_stop_writes_threshold}.
 *
 * <p>Thread safety: immutable; share freely.
 */
public final class EngineConfig {
  /** {@code env}: which filter false-positive rate applies. */
  public enum Env {
    /** Uses {@code bloom_fpr_dev}. */
    DEV,
    /** Uses {@code bloom_fpr_prod}. */
    PROD
  }

  /** {@code wal_sync_mode}. */
  public enum WalSyncMode {
    /** A write returns after the WAL bytes holding it are fsynced (shared by group commit). */
    ALWAYS,
    /** The WAL is written but not fsynced per write; the OS flushes it. */
    NONE
  }

  /** {@code wal_recovery_mode}. */
  public enum WalRecoveryMode {
    /** Any damaged WAL record fails the open. */
    STRICT,
    /** Replay up to the first damaged record; drop it and everything after it. */
    POINT_IN_TIME
  }

  private static final long MIB = 1L << 20;

  /** The smallest {@code log_broadcast_idle_timeout_s} other than 0. */
  private static final int MIN_IDLE_TIMEOUT_S = 5;

  private static final EngineConfig DEFAULTS = new EngineConfig(Map.of(), null);

  private final Map<String, Object> values;

  private final Env env;
  private final double maxMemtableSizeMb;
  private final int maxMemtableEntries;
  private final int immutableQueueMaxLen;
  private final double backpressureTimeout;
  private final int l0CompactionThreshold;
  private final double compactionCheckInterval;
  private final int blockSize;
  private final int flushMaxWorkers;
  private final int compactionMaxWorkers;
  private final int maxLevels;
  private final double bloomFprDev;
  private final double bloomFprProd;
  private final int cacheDataEntryLimit;
  private final int cacheIndexEntryLimit;
  private final int cacheBloomEntryLimit;
  private final String memtableImpl;
  private final String filterPolicy;
  private final String compactionStrategy;
  private final String compression;
  private final WalSyncMode walSyncMode;
  private final WalRecoveryMode walRecoveryMode;
  private final boolean logBroadcastEnabled;
  private final int logBroadcastPort;
  private final String logBroadcast;
  private final int logBroadcastIdleTimeoutS;
  private final int l0SlowdownWritesThreshold;
  private final int l0StopWritesThreshold;
  private final double levelSizeMultiplier;
  private final int targetFileSizeMb;
  private final int maxBytesForLevelBaseMb;
  private final boolean levelCompactionDynamicLevelBytes;

  /**
   * @param given normalised values by key name (a subset); the rest take their defaults
   * @param blame the key to name if a cross-key rule fails, or {@code null} to name the first
   */
  private EngineConfig(Map<String, Object> given, String blame) {
    Map<String, Object> all = new LinkedHashMap<>();
    for (ConfigKey k : ConfigKeys.all()) {
      all.put(k.name(), given.getOrDefault(k.name(), k.defaultValue()));
    }
    this.values = Collections.unmodifiableMap(all);
    env = Env.valueOf(str(ConfigKeys.ENV).toUpperCase(Locale.ROOT));
    maxMemtableSizeMb = dbl(ConfigKeys.MAX_MEMTABLE_SIZE_MB);
    maxMemtableEntries = num(ConfigKeys.MAX_MEMTABLE_ENTRIES);
    immutableQueueMaxLen = num(ConfigKeys.IMMUTABLE_QUEUE_MAX_LEN);
    backpressureTimeout = dbl(ConfigKeys.BACKPRESSURE_TIMEOUT);
    l0CompactionThreshold = num(ConfigKeys.L0_COMPACTION_THRESHOLD);
    compactionCheckInterval = dbl(ConfigKeys.COMPACTION_CHECK_INTERVAL);
    blockSize = num(ConfigKeys.BLOCK_SIZE);
    flushMaxWorkers = num(ConfigKeys.FLUSH_MAX_WORKERS);
    compactionMaxWorkers = num(ConfigKeys.COMPACTION_MAX_WORKERS);
    maxLevels = num(ConfigKeys.MAX_LEVELS);
    bloomFprDev = dbl(ConfigKeys.BLOOM_FPR_DEV);
    bloomFprProd = dbl(ConfigKeys.BLOOM_FPR_PROD);
    cacheDataEntryLimit = num(ConfigKeys.CACHE_DATA_ENTRY_LIMIT);
    cacheIndexEntryLimit = num(ConfigKeys.CACHE_INDEX_ENTRY_LIMIT);
    cacheBloomEntryLimit = num(ConfigKeys.CACHE_BLOOM_ENTRY_LIMIT);
    memtableImpl = str(ConfigKeys.MEMTABLE_IMPL);
    filterPolicy = str(ConfigKeys.FILTER_POLICY);
    compactionStrategy = str(ConfigKeys.COMPACTION_STRATEGY);
    compression = str(ConfigKeys.COMPRESSION);
    walSyncMode = WalSyncMode.valueOf(str(ConfigKeys.WAL_SYNC_MODE).toUpperCase(Locale.ROOT));
    walRecoveryMode =
        WalRecoveryMode.valueOf(str(ConfigKeys.WAL_RECOVERY_MODE).toUpperCase(Locale.ROOT));
    logBroadcastEnabled = (Boolean) values.get(ConfigKeys.LOG_BROADCAST_ENABLED.name());
    logBroadcastPort = num(ConfigKeys.LOG_BROADCAST_PORT);
    logBroadcast = str(ConfigKeys.LOG_BROADCAST);
    logBroadcastIdleTimeoutS = num(ConfigKeys.LOG_BROADCAST_IDLE_TIMEOUT_S);
    l0SlowdownWritesThreshold = num(ConfigKeys.L0_SLOWDOWN_WRITES_THRESHOLD);
    l0StopWritesThreshold = num(ConfigKeys.L0_STOP_WRITES_THRESHOLD);
    levelSizeMultiplier = dbl(ConfigKeys.LEVEL_SIZE_MULTIPLIER);
    targetFileSizeMb = num(ConfigKeys.TARGET_FILE_SIZE_MB);
    maxBytesForLevelBaseMb = num(ConfigKeys.MAX_BYTES_FOR_LEVEL_BASE_MB);
    levelCompactionDynamicLevelBytes =
        (Boolean) values.get(ConfigKeys.LEVEL_COMPACTION_DYNAMIC_LEVEL_BYTES.name());
    checkCrossKeyRules(blame);
  }

  /** Every key at its default. */
  public static EngineConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A config from user-supplied values (numbers, booleans, strings; strings are parsed for numeric
   * keys); missing keys take their defaults.
   *
   * @throws InvalidConfigException for an unknown key or a bad value, naming both
   */
  public static EngineConfig of(Map<String, ?> values) {
    Map<String, Object> normalised = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      normalised.put(e.getKey(), ConfigKeys.get(e.getKey(), e.getValue()).fromUser(e.getValue()));
    }
    return new EngineConfig(normalised, null);
  }

  /** Builds from values already normalised by {@link ConfigKey}, checking cross-key rules. */
  static EngineConfig fromNormalised(Map<String, Object> values) {
    return new EngineConfig(values, null);
  }

  /**
   * This config with one key changed (the value is parsed as {@link ConfigKey#fromUser}).
   *
   * @throws InvalidConfigException for an unknown key or a bad value, naming both
   */
  public EngineConfig with(String key, Object value) {
    ConfigKey k = ConfigKeys.get(key, value);
    Object normalised = k.fromUser(value);
    Map<String, Object> changed = new LinkedHashMap<>(values);
    changed.put(key, normalised);
    return new EngineConfig(changed, key);
  }

  /**
   * The value of a key, normalised ({@link Integer}, {@link Double}, {@link Boolean} or {@link
   * String}).
   *
   * @throws InvalidConfigException if there is no such key
   */
  public Object get(String key) {
    return values.get(ConfigKeys.get(key, null).name());
  }

  /** Every key and value, in file order; unmodifiable. For {@code StorageEngine.config()}. */
  public Map<String, Object> asMap() {
    return values;
  }

  private void checkCrossKeyRules(String blame) {
    // Our own broadcast clients send a keep-alive every second; a timeout of a few seconds would
    // drop them on a loaded machine.
    if (logBroadcastIdleTimeoutS > 0 && logBroadcastIdleTimeoutS < MIN_IDLE_TIMEOUT_S) {
      throw new InvalidConfigException(
          ConfigKeys.LOG_BROADCAST_IDLE_TIMEOUT_S.name(),
          logBroadcastIdleTimeoutS,
          "must be 0 (never) or at least "
              + MIN_IDLE_TIMEOUT_S
              + " s: kiwi tail-log and the dashboard send a keep-alive every second");
    }
    // Slowing writers before compaction is even due would throttle a healthy store, and stopping
    // before slowing would turn a gradual back-pressure into a cliff.
    requireAtMost(
        ConfigKeys.L0_COMPACTION_THRESHOLD,
        l0CompactionThreshold,
        ConfigKeys.L0_SLOWDOWN_WRITES_THRESHOLD,
        l0SlowdownWritesThreshold,
        blame);
    requireAtMost(
        ConfigKeys.L0_SLOWDOWN_WRITES_THRESHOLD,
        l0SlowdownWritesThreshold,
        ConfigKeys.L0_STOP_WRITES_THRESHOLD,
        l0StopWritesThreshold,
        blame);
  }

  /** Requires {@code low <= high}; the error names {@code high} if it is being changed. */
  private void requireAtMost(
      ConfigKey low, int lowValue, ConfigKey high, int highValue, String blame) {
    if (lowValue > highValue) {
      String key = high.name().equals(blame) ? high.name() : low.name();
      throw new InvalidConfigException(
          key,
          values.get(key),
          low.name()
              + " ("
              + lowValue
              + ") must not exceed "
              + high.name()
              + " ("
              + highValue
              + ")");
    }
  }

  private int num(ConfigKey k) {
    return (Integer) values.get(k.name());
  }

  private double dbl(ConfigKey k) {
    return (Double) values.get(k.name());
  }

  private String str(ConfigKey k) {
    return (String) values.get(k.name());
  }

  // --- typed accessors, one per key, then derived values ---------------------------------------

  /** {@code env}. */
  public Env env() {
    return env;
  }

  /** {@code max_memtable_size_mb} (MiB, fractions allowed). */
  public double maxMemtableSizeMb() {
    return maxMemtableSizeMb;
  }

  /** {@code max_memtable_entries}; 0 means no entry limit. */
  public int maxMemtableEntries() {
    return maxMemtableEntries;
  }

  /** {@code immutable_queue_max_len}. */
  public int immutableQueueMaxLen() {
    return immutableQueueMaxLen;
  }

  /** {@code backpressure_timeout} in seconds. */
  public double backpressureTimeoutSeconds() {
    return backpressureTimeout;
  }

  /** {@code l0_compaction_threshold}. */
  public int l0CompactionThreshold() {
    return l0CompactionThreshold;
  }

  /** {@code compaction_check_interval} in seconds. */
  public double compactionCheckIntervalSeconds() {
    return compactionCheckInterval;
  }

  /** {@code block_size} in bytes. */
  public int blockSize() {
    return blockSize;
  }

  /** {@code flush_max_workers}. */
  public int flushMaxWorkers() {
    return flushMaxWorkers;
  }

  /** {@code compaction_max_workers}. */
  public int compactionMaxWorkers() {
    return compactionMaxWorkers;
  }

  /** {@code max_levels}: levels below L0. */
  public int maxLevels() {
    return maxLevels;
  }

  /** {@code bloom_fpr_dev}. */
  public double bloomFprDev() {
    return bloomFprDev;
  }

  /** {@code bloom_fpr_prod}. */
  public double bloomFprProd() {
    return bloomFprProd;
  }

  /** {@code cache_data_entry_limit}. */
  public int cacheDataEntryLimit() {
    return cacheDataEntryLimit;
  }

  /** {@code cache_index_entry_limit}. */
  public int cacheIndexEntryLimit() {
    return cacheIndexEntryLimit;
  }

  /** {@code cache_bloom_entry_limit}. */
  public int cacheBloomEntryLimit() {
    return cacheBloomEntryLimit;
  }

  /** {@code memtable_impl}: a {@link io.kiwidb.api.spi.MemTableFactory} name. */
  public String memtableImpl() {
    return memtableImpl;
  }

  /** {@code filter_policy}: a {@link io.kiwidb.api.spi.FilterPolicy} name. */
  public String filterPolicy() {
    return filterPolicy;
  }

  /** {@code compaction_strategy}: a {@link io.kiwidb.api.spi.CompactionStrategy} name. */
  public String compactionStrategy() {
    return compactionStrategy;
  }

  /** {@code compression}: a {@link io.kiwidb.api.spi.Compressor} name. */
  public String compression() {
    return compression;
  }

  /** {@code wal_sync_mode}. */
  public WalSyncMode walSyncMode() {
    return walSyncMode;
  }

  /** {@code wal_recovery_mode}. */
  public WalRecoveryMode walRecoveryMode() {
    return walRecoveryMode;
  }

  /** {@code log_broadcast_enabled}. */
  public boolean logBroadcastEnabled() {
    return logBroadcastEnabled;
  }

  /** {@code log_broadcast_port}; 0 means any free port. */
  public int logBroadcastPort() {
    return logBroadcastPort;
  }

  /** {@code log_broadcast}: {@code tcp}, {@code unix} or {@code off}. */
  public String logBroadcast() {
    return logBroadcast;
  }

  /** {@code log_broadcast_idle_timeout_s}; {@link Duration#ZERO} means never. */
  public Duration logBroadcastIdleTimeout() {
    return Duration.ofSeconds(logBroadcastIdleTimeoutS);
  }

  /** {@code l0_slowdown_writes_threshold}. */
  public int l0SlowdownWritesThreshold() {
    return l0SlowdownWritesThreshold;
  }

  /** {@code l0_stop_writes_threshold}. */
  public int l0StopWritesThreshold() {
    return l0StopWritesThreshold;
  }

  /** {@code level_size_multiplier}. */
  public double levelSizeMultiplier() {
    return levelSizeMultiplier;
  }

  /** {@code target_file_size_mb}. */
  public int targetFileSizeMb() {
    return targetFileSizeMb;
  }

  /** {@code max_bytes_for_level_base_mb}. */
  public int maxBytesForLevelBaseMb() {
    return maxBytesForLevelBaseMb;
  }

  /** {@code level_compaction_dynamic_level_bytes}. */
  public boolean levelCompactionDynamicLevelBytes() {
    return levelCompactionDynamicLevelBytes;
  }

  /** {@code max_memtable_size_mb} in bytes (at least 1). */
  public long maxMemtableSizeBytes() {
    return Math.max(1L, Math.round(maxMemtableSizeMb * MIB));
  }

  /** {@code backpressure_timeout} as a duration. */
  public Duration backpressureTimeout() {
    return Duration.ofNanos(Math.round(backpressureTimeout * 1e9));
  }

  /** {@code compaction_check_interval} as a duration. */
  public Duration compactionCheckInterval() {
    return Duration.ofNanos(Math.round(compactionCheckInterval * 1e9));
  }

  /** The filter false-positive rate {@code env} selects. */
  public double filterFalsePositiveRate() {
    return env == Env.PROD ? bloomFprProd : bloomFprDev;
  }

  /** {@code target_file_size_mb} in bytes. */
  public long targetFileSizeBytes() {
    return targetFileSizeMb * MIB;
  }

  /** {@code max_bytes_for_level_base_mb} in bytes. */
  public long maxBytesForLevelBase() {
    return maxBytesForLevelBaseMb * MIB;
  }

  /** The compaction picker's options. */
  public CompactionOptions compactionOptions() {
    return new CompactionOptions(
        l0CompactionThreshold,
        maxLevels,
        maxBytesForLevelBase(),
        levelSizeMultiplier,
        targetFileSizeBytes(),
        levelCompactionDynamicLevelBytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EngineConfig && values.equals(((EngineConfig) o).values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "EngineConfig" + values;
  }
}
