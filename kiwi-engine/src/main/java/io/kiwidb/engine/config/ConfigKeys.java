package io.kiwidb.engine.config;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.engine.config.ConfigKey.Applies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registry of every config key: the single source for validation, defaults, the order keys are
 * written in {@code config.json}, and {@code docs/config.md} (a test checks the page against it).
 *
 * <p>The first sixteen keys are the reference system's, with the same meaning, so its {@code
 * config.json} loads here. Where its default is demo-sized we pick a production default; {@link
 * ConfigKey#referenceDefault()} keeps the reference value for the docs.
 *
 * <p>Thread safety: immutable after class initialisation.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  private static final int MAX_INT = Integer.MAX_VALUE;

  // Each declaration reads: type, name, default (and unit); the allowed values; the reference
  // system's default where it has the key; then when a change applies, and what the key does.

  // --- the reference system's keys -------------------------------------------------------------
  public static final ConfigKey ENV =
      choice("env", "prod")
          .oneOf("dev", "prod")
          .reference("dev")
          .live(
              "picks the filter false-positive rate: bloom_fpr_dev or bloom_fpr_prod (tables"
                  + " written from now on)");
  public static final ConfigKey MAX_MEMTABLE_SIZE_MB =
      real("max_memtable_size_mb", 64.0, "MiB")
          .range(0.001, 65536.0)
          .reference(64)
          .live(
              "freeze the active memtable once its estimated size reaches this (fractions allowed);"
                  + " memtable_impl = arena holds at most 1024");
  public static final ConfigKey MAX_MEMTABLE_ENTRIES =
      integer("max_memtable_entries", 0, "entries")
          .range(0, MAX_INT)
          .reference(10)
          .live("freeze the active memtable at this many entries; 0 = no entry limit (size only)");
  public static final ConfigKey IMMUTABLE_QUEUE_MAX_LEN =
      integer("immutable_queue_max_len", 4, "memtables")
          .range(1, 64)
          .reference(4)
          .live("writers wait while this many frozen memtables await flush");
  public static final ConfigKey BACKPRESSURE_TIMEOUT =
      real("backpressure_timeout", 60.0, "s")
          .range(0.0, 86400.0)
          .reference(60.0)
          .live(
              "how long a stalled writer waits before failing with WriteStallException; 0 = fail"
                  + " at once");
  public static final ConfigKey L0_COMPACTION_THRESHOLD =
      integer("l0_compaction_threshold", 4, "files")
          .range(1, 10000)
          .reference(10)
          .live("L0 file count that triggers an L0 -> L1 compaction");
  public static final ConfigKey COMPACTION_CHECK_INTERVAL =
      real("compaction_check_interval", 0.5, "s")
          .range(0.001, 3600.0)
          .reference(0.5)
          .live("period of the background compaction check (flushes also trigger one)");
  public static final ConfigKey BLOCK_SIZE =
      integer("block_size", 4096, "bytes")
          .range(256, 4 << 20)
          .reference(4096)
          .live("target uncompressed size of a table data block (tables written from now on)");
  public static final ConfigKey FLUSH_MAX_WORKERS =
      integer("flush_max_workers", 2, "threads")
          .range(1, 64)
          .reference(2)
          .live("memtables flushed in parallel");
  public static final ConfigKey COMPACTION_MAX_WORKERS =
      integer("compaction_max_workers", 1, "threads")
          .range(1, 64)
          .reference(1)
          .live("compactions run in parallel");
  public static final ConfigKey MAX_LEVELS =
      integer("max_levels", 6, "levels")
          .range(1, 12)
          .reference(3)
          .reopen("number of levels below L0 (L1..Ln); the last one has no size target");
  public static final ConfigKey BLOOM_FPR_DEV =
      real("bloom_fpr_dev", 0.05, "")
          .between(0.0, 1.0)
          .reference(0.05)
          .live("filter false-positive rate when env=dev (tables written from now on)");
  public static final ConfigKey BLOOM_FPR_PROD =
      real("bloom_fpr_prod", 0.01, "")
          .between(0.0, 1.0)
          .reference(0.01)
          .live("filter false-positive rate when env=prod (tables written from now on)");
  public static final ConfigKey CACHE_DATA_ENTRY_LIMIT =
      integer("cache_data_entry_limit", 8192, "blocks")
          .range(0, MAX_INT)
          .reference(256)
          .live("data blocks kept in the block cache; 0 disables it");
  public static final ConfigKey CACHE_INDEX_ENTRY_LIMIT =
      integer("cache_index_entry_limit", 1024, "blocks")
          .range(0, MAX_INT)
          .reference(64)
          .live("index blocks kept in the index cache; 0 disables it");
  public static final ConfigKey CACHE_BLOOM_ENTRY_LIMIT =
      integer("cache_bloom_entry_limit", 1024, "filters")
          .range(0, MAX_INT)
          .reference(64)
          .live("table filters kept in the filter cache; 0 disables it");

  // --- kiwi-db's own keys ----------------------------------------------------------------------
  public static final ConfigKey MEMTABLE_IMPL =
      provider("memtable_impl", "arena")
          .stock("arena", "skiplist", "redblack")
          .reopen("memtable implementation (MemTableFactory name)");
  public static final ConfigKey FILTER_POLICY =
      provider("filter_policy", "bloom")
          .stock("bloom", "ribbon", "none")
          .reopen(
              "table filter implementation (FilterPolicy name); recorded per table, so old tables"
                  + " stay readable");
  public static final ConfigKey COMPACTION_STRATEGY =
      provider("compaction_strategy", "leveled")
          .stock("leveled", "tiered")
          .reopen("compaction picker (CompactionStrategy name)");
  public static final ConfigKey COMPRESSION =
      provider("compression", "none")
          .stock("none", "lz4")
          .reopen("block compressor for new tables (Compressor name); recorded per block");
  public static final ConfigKey WAL_SYNC_MODE =
      choice("wal_sync_mode", "always")
          .oneOf("always", "none")
          .live(
              "always = a write returns after its WAL fsync (group commit); none = leave it to the"
                  + " OS (a crash may lose recent writes)");
  public static final ConfigKey WAL_RECOVERY_MODE =
      choice("wal_recovery_mode", "point_in_time")
          .oneOf("strict", "point_in_time")
          .reopen(
              "strict = any damaged WAL record fails the open; point_in_time = replay up to the"
                  + " first damaged record and drop the rest");
  public static final ConfigKey LOG_BROADCAST_ENABLED =
      bool("log_broadcast_enabled", true).reopen("run the TCP log broadcast server on 127.0.0.1");
  public static final ConfigKey LOG_BROADCAST_PORT =
      integer("log_broadcast_port", 9009, "port")
          .range(0, 65535)
          .reopen(
              "preferred broadcast port; a free one is used when it is taken; 0 = any free port");
  public static final ConfigKey LOG_BROADCAST =
      choice("log_broadcast", "tcp")
          .oneOf("tcp", "unix", "off")
          .reopen(
              "where the log broadcast listens: tcp = 127.0.0.1 at log_broadcast_port; unix = the"
                  + " socket logs/kiwidb.sock, for the owner only; off = nowhere (as"
                  + " log_broadcast_enabled = false, which wins)");
  public static final ConfigKey LOG_BROADCAST_IDLE_TIMEOUT_S =
      integer("log_broadcast_idle_timeout_s", 300, "s")
          .range(0, 86400)
          .reopen(
              "disconnect a broadcast client that neither reads nor sends anything for this long"
                  + " (kiwi tail-log sends a keep-alive every second); 0 = never, else at least 5");
  public static final ConfigKey L0_SLOWDOWN_WRITES_THRESHOLD =
      integer("l0_slowdown_writes_threshold", 20, "files")
          .range(1, 10000)
          .live(
              "L0 file count at which writers are slowed down; must be >= l0_compaction_threshold");
  public static final ConfigKey L0_STOP_WRITES_THRESHOLD =
      integer("l0_stop_writes_threshold", 36, "files")
          .range(1, 10000)
          .live(
              "L0 file count at which writers wait for compaction; must be >="
                  + " l0_slowdown_writes_threshold");
  public static final ConfigKey LEVEL_SIZE_MULTIPLIER =
      real("level_size_multiplier", 10.0, "x")
          .range(1.0, 1000.0)
          .excludingMin()
          .live("each level's target size is this times the previous level's");
  public static final ConfigKey TARGET_FILE_SIZE_MB =
      integer("target_file_size_mb", 64, "MiB")
          .range(1, 4096)
          .live("compaction splits its output into files of about this size");
  public static final ConfigKey MAX_BYTES_FOR_LEVEL_BASE_MB =
      integer("max_bytes_for_level_base_mb", 256, "MiB")
          .range(1, 1 << 20)
          .live(
              "target size of L1 (static targets) or of the level L0 compacts into (dynamic, see"
                  + " docs/compaction.md); deeper levels grow by level_size_multiplier");
  public static final ConfigKey LEVEL_COMPACTION_DYNAMIC_LEVEL_BYTES =
      bool("level_compaction_dynamic_level_bytes", true)
          .live(
              "leveled: size levels from the last level's actual size upward and compact L0 into"
                  + " the shallowest level in use; false = static targets from L1 down");

  private static final Map<String, ConfigKey> BY_NAME;

  static {
    List<ConfigKey> all =
        List.of(
            ENV,
            MAX_MEMTABLE_SIZE_MB,
            MAX_MEMTABLE_ENTRIES,
            IMMUTABLE_QUEUE_MAX_LEN,
            BACKPRESSURE_TIMEOUT,
            L0_COMPACTION_THRESHOLD,
            COMPACTION_CHECK_INTERVAL,
            BLOCK_SIZE,
            FLUSH_MAX_WORKERS,
            COMPACTION_MAX_WORKERS,
            MAX_LEVELS,
            BLOOM_FPR_DEV,
            BLOOM_FPR_PROD,
            CACHE_DATA_ENTRY_LIMIT,
            CACHE_INDEX_ENTRY_LIMIT,
            CACHE_BLOOM_ENTRY_LIMIT,
            MEMTABLE_IMPL,
            FILTER_POLICY,
            COMPACTION_STRATEGY,
            COMPRESSION,
            WAL_SYNC_MODE,
            WAL_RECOVERY_MODE,
            LOG_BROADCAST_ENABLED,
            LOG_BROADCAST_PORT,
            LOG_BROADCAST,
            LOG_BROADCAST_IDLE_TIMEOUT_S,
            L0_SLOWDOWN_WRITES_THRESHOLD,
            L0_STOP_WRITES_THRESHOLD,
            LEVEL_SIZE_MULTIPLIER,
            TARGET_FILE_SIZE_MB,
            MAX_BYTES_FOR_LEVEL_BASE_MB,
            LEVEL_COMPACTION_DYNAMIC_LEVEL_BYTES);
    Map<String, ConfigKey> byName = new LinkedHashMap<>();
    for (ConfigKey k : all) {
      if (byName.put(k.name(), k) != null) {
        throw new ExceptionInInitializerError("duplicate config key " + k.name());
      }
    }
    BY_NAME = Collections.unmodifiableMap(byName);
  }

  /** Every key, in the order {@code config.json} lists them. */
  public static List<ConfigKey> all() {
    return new ArrayList<>(BY_NAME.values());
  }

  /** Every key name, in file order. */
  public static Set<String> names() {
    return BY_NAME.keySet();
  }

  /**
   * The key named {@code name}.
   *
   * @throws InvalidConfigException if there is no such key; the message lists the known keys
   */
  public static ConfigKey get(String name, Object value) {
    ConfigKey key = name == null ? null : BY_NAME.get(name);
    if (key == null) {
      throw new InvalidConfigException(
          String.valueOf(name), value, "unknown config key; known keys: " + BY_NAME.keySet());
    }
    return key;
  }

  private static Spec integer(String name, int def, String unit) {
    return new Spec(name, ConfigKey.Type.INT, def, unit);
  }

  private static Spec real(String name, double def, String unit) {
    return new Spec(name, ConfigKey.Type.DOUBLE, def, unit);
  }

  private static Spec bool(String name, boolean def) {
    return new Spec(name, ConfigKey.Type.BOOLEAN, def, "");
  }

  /** One of a fixed set of names ({@link Spec#oneOf}). */
  private static Spec choice(String name, String def) {
    return new Spec(name, ConfigKey.Type.CHOICE, def, "");
  }

  /**
   * An implementation name: the stock names are listed ({@link Spec#stock}), others may be
   * installed.
   */
  private static Spec provider(String name, String def) {
    return new Spec(name, ConfigKey.Type.PROVIDER, def, "");
  }

  /**
   * A key under construction, so each declaration names its parts instead of passing a dozen
   * positional arguments. Ends with {@link #live} or {@link #reopen}.
   */
  private static final class Spec {
    private final String name;
    private final ConfigKey.Type type;
    private final Object def;
    private final String unit;
    private Object reference;
    private Double min;
    private boolean minExclusive;
    private Double max;
    private boolean maxExclusive;
    private Set<String> choices = Set.of();

    Spec(String name, ConfigKey.Type type, Object def, String unit) {
      this.name = name;
      this.type = type;
      this.def = def;
      this.unit = unit;
    }

    /** Allowed values {@code min..max}, both included. */
    Spec range(double min, double max) {
      this.min = min;
      this.max = max;
      return this;
    }

    /** Allowed values strictly between {@code min} and {@code max}. */
    Spec between(double min, double max) {
      range(min, max);
      minExclusive = true;
      maxExclusive = true;
      return this;
    }

    /** Excludes the lower bound of the range. */
    Spec excludingMin() {
      minExclusive = true;
      return this;
    }

    /** The allowed names of a choice key. */
    Spec oneOf(String... names) {
      choices = Set.of(names);
      return this;
    }

    /** The implementations of a provider key that ship with kiwi-db. */
    Spec stock(String... names) {
      return oneOf(names);
    }

    /** The reference system's default (for the docs' comparison). */
    Spec reference(Object value) {
      reference = value;
      return this;
    }

    /** A key whose changes the running engine applies at once. */
    ConfigKey live(String doc) {
      return build(Applies.LIVE, doc);
    }

    /** A key whose changes are persisted at once and used from the next open. */
    ConfigKey reopen(String doc) {
      return build(Applies.REOPEN, doc);
    }

    private ConfigKey build(Applies applies, String doc) {
      return new ConfigKey(
          name,
          type,
          def,
          reference,
          min,
          minExclusive,
          max,
          maxExclusive,
          choices,
          applies,
          unit,
          doc);
    }
  }
}
