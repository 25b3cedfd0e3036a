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

  // --- the reference system's keys -------------------------------------------------------------
  public static final ConfigKey ENV =
      choice(
          "env",
          "prod",
          "dev",
          Set.of("dev", "prod"),
          Applies.LIVE,
          "picks the filter false-positive rate: bloom_fpr_dev or bloom_fpr_prod (tables written"
              + " from now on)");
  public static final ConfigKey MAX_MEMTABLE_SIZE_MB =
      real(
          "max_memtable_size_mb",
          64.0,
          64,
          0.001,
          false,
          65536.0,
          "MiB",
          Applies.LIVE,
          "freeze the active memtable once its estimated size reaches this (fractions allowed)");
  public static final ConfigKey MAX_MEMTABLE_ENTRIES =
      integer(
          "max_memtable_entries",
          0,
          10,
          0,
          MAX_INT,
          "entries",
          Applies.LIVE,
          "freeze the active memtable at this many entries; 0 = no entry limit (size only)");
  public static final ConfigKey IMMUTABLE_QUEUE_MAX_LEN =
      integer(
          "immutable_queue_max_len",
          4,
          4,
          1,
          64,
          "memtables",
          Applies.LIVE,
          "writers wait while this many frozen memtables await flush");
  public static final ConfigKey BACKPRESSURE_TIMEOUT =
      real(
          "backpressure_timeout",
          60.0,
          60.0,
          0.0,
          false,
          86400.0,
          "s",
          Applies.LIVE,
          "how long a stalled writer waits before failing with WriteStallException; 0 = fail at"
              + " once");
  public static final ConfigKey L0_COMPACTION_THRESHOLD =
      integer(
          "l0_compaction_threshold",
          4,
          10,
          1,
          10000,
          "files",
          Applies.LIVE,
          "L0 file count that triggers an L0 -> L1 compaction");
  public static final ConfigKey COMPACTION_CHECK_INTERVAL =
      real(
          "compaction_check_interval",
          0.5,
          0.5,
          0.001,
          false,
          3600.0,
          "s",
          Applies.LIVE,
          "period of the background compaction check (flushes also trigger one)");
  public static final ConfigKey BLOCK_SIZE =
      integer(
          "block_size",
          4096,
          4096,
          256,
          4 << 20,
          "bytes",
          Applies.LIVE,
          "target uncompressed size of a table data block (tables written from now on)");
  public static final ConfigKey FLUSH_MAX_WORKERS =
      integer(
          "flush_max_workers",
          2,
          2,
          1,
          64,
          "threads",
          Applies.LIVE,
          "memtables flushed in parallel");
  public static final ConfigKey COMPACTION_MAX_WORKERS =
      integer(
          "compaction_max_workers",
          1,
          1,
          1,
          64,
          "threads",
          Applies.LIVE,
          "compactions run in parallel");
  public static final ConfigKey MAX_LEVELS =
      integer(
          "max_levels",
          6,
          3,
          1,
          12,
          "levels",
          Applies.REOPEN,
          "number of levels below L0 (L1..Ln); the last one has no size target");
  public static final ConfigKey BLOOM_FPR_DEV =
      real(
          "bloom_fpr_dev",
          0.05,
          0.05,
          0.0,
          true,
          1.0,
          true,
          "",
          Applies.LIVE,
          "filter false-positive rate when env=dev (tables written from now on)");
  public static final ConfigKey BLOOM_FPR_PROD =
      real(
          "bloom_fpr_prod",
          0.01,
          0.01,
          0.0,
          true,
          1.0,
          true,
          "",
          Applies.LIVE,
          "filter false-positive rate when env=prod (tables written from now on)");
  public static final ConfigKey CACHE_DATA_ENTRY_LIMIT =
      integer(
          "cache_data_entry_limit",
          8192,
          256,
          0,
          MAX_INT,
          "blocks",
          Applies.LIVE,
          "data blocks kept in the block cache; 0 disables it");
  public static final ConfigKey CACHE_INDEX_ENTRY_LIMIT =
      integer(
          "cache_index_entry_limit",
          1024,
          64,
          0,
          MAX_INT,
          "blocks",
          Applies.LIVE,
          "index blocks kept in the index cache; 0 disables it");
  public static final ConfigKey CACHE_BLOOM_ENTRY_LIMIT =
      integer(
          "cache_bloom_entry_limit",
          1024,
          64,
          0,
          MAX_INT,
          "filters",
          Applies.LIVE,
          "table filters kept in the filter cache; 0 disables it");

  // --- kiwi-db's own keys ----------------------------------------------------------------------
  public static final ConfigKey MEMTABLE_IMPL =
      provider(
          "memtable_impl",
          "skiplist",
          Set.of("skiplist", "redblack"),
          "memtable implementation (MemTableFactory name)");
  public static final ConfigKey FILTER_POLICY =
      provider(
          "filter_policy",
          "bloom",
          Set.of("bloom", "ribbon", "none"),
          "table filter implementation (FilterPolicy name); recorded per table, so old tables"
              + " stay readable");
  public static final ConfigKey COMPACTION_STRATEGY =
      provider(
          "compaction_strategy",
          "leveled",
          Set.of("leveled", "tiered"),
          "compaction picker (CompactionStrategy name)");
  public static final ConfigKey COMPRESSION =
      provider(
          "compression",
          "none",
          Set.of("none", "lz4"),
          "block compressor for new tables (Compressor name); recorded per block");
  public static final ConfigKey WAL_SYNC_MODE =
      choice(
          "wal_sync_mode",
          "always",
          null,
          Set.of("always", "none"),
          Applies.LIVE,
          "always = a write returns after its WAL fsync (group commit); none = leave it to the"
              + " OS (a crash may lose recent writes)");
  public static final ConfigKey WAL_RECOVERY_MODE =
      choice(
          "wal_recovery_mode",
          "point_in_time",
          null,
          Set.of("strict", "point_in_time"),
          Applies.REOPEN,
          "strict = any damaged WAL record fails the open; point_in_time = replay up to the first"
              + " damaged record and drop the rest");
  public static final ConfigKey LOG_BROADCAST_ENABLED =
      new ConfigKey(
          "log_broadcast_enabled",
          ConfigKey.Type.BOOLEAN,
          true,
          null,
          null,
          false,
          null,
          false,
          Set.of(),
          Applies.REOPEN,
          "",
          "run the TCP log broadcast server on 127.0.0.1");
  public static final ConfigKey LOG_BROADCAST_PORT =
      integer(
          "log_broadcast_port",
          9009,
          null,
          0,
          65535,
          "port",
          Applies.REOPEN,
          "preferred broadcast port; a free one is used when it is taken; 0 = any free port");
  public static final ConfigKey L0_SLOWDOWN_WRITES_THRESHOLD =
      integer(
          "l0_slowdown_writes_threshold",
          20,
          null,
          1,
          10000,
          "files",
          Applies.LIVE,
          "L0 file count at which writers are slowed down; must be >= l0_compaction_threshold");
  public static final ConfigKey L0_STOP_WRITES_THRESHOLD =
      integer(
          "l0_stop_writes_threshold",
          36,
          null,
          1,
          10000,
          "files",
          Applies.LIVE,
          "L0 file count at which writers wait for compaction; must be >="
              + " l0_slowdown_writes_threshold");
  public static final ConfigKey LEVEL_SIZE_MULTIPLIER =
      real(
          "level_size_multiplier",
          10.0,
          null,
          1.0,
          true,
          1000.0,
          false,
          "x",
          Applies.LIVE,
          "each level's target size is this times the previous level's");
  public static final ConfigKey TARGET_FILE_SIZE_MB =
      integer(
          "target_file_size_mb",
          64,
          null,
          1,
          4096,
          "MiB",
          Applies.LIVE,
          "compaction splits its output into files of about this size");
  public static final ConfigKey MAX_BYTES_FOR_LEVEL_BASE_MB =
      integer(
          "max_bytes_for_level_base_mb",
          256,
          null,
          1,
          1 << 20,
          "MiB",
          Applies.LIVE,
          "target size of L1; deeper levels grow by level_size_multiplier");

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
            L0_SLOWDOWN_WRITES_THRESHOLD,
            L0_STOP_WRITES_THRESHOLD,
            LEVEL_SIZE_MULTIPLIER,
            TARGET_FILE_SIZE_MB,
            MAX_BYTES_FOR_LEVEL_BASE_MB);
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

  private static ConfigKey integer(
      String name,
      int def,
      Integer reference,
      int min,
      int max,
      String unit,
      Applies applies,
      String doc) {
    return new ConfigKey(
        name,
        ConfigKey.Type.INT,
        def,
        reference,
        (double) min,
        false,
        (double) max,
        false,
        Set.of(),
        applies,
        unit,
        doc);
  }

  private static ConfigKey real(
      String name,
      double def,
      Number reference,
      double min,
      boolean minExclusive,
      double max,
      String unit,
      Applies applies,
      String doc) {
    return real(name, def, reference, min, minExclusive, max, false, unit, applies, doc);
  }

  private static ConfigKey real(
      String name,
      double def,
      Number reference,
      double min,
      boolean minExclusive,
      double max,
      boolean maxExclusive,
      String unit,
      Applies applies,
      String doc) {
    return new ConfigKey(
        name,
        ConfigKey.Type.DOUBLE,
        def,
        reference,
        min,
        minExclusive,
        max,
        maxExclusive,
        Set.of(),
        applies,
        unit,
        doc);
  }

  private static ConfigKey choice(
      String name, String def, String reference, Set<String> choices, Applies applies, String doc) {
    return new ConfigKey(
        name,
        ConfigKey.Type.CHOICE,
        def,
        reference,
        null,
        false,
        null,
        false,
        choices,
        applies,
        "",
        doc);
  }

  private static ConfigKey provider(String name, String def, Set<String> stock, String doc) {
    return new ConfigKey(
        name,
        ConfigKey.Type.PROVIDER,
        def,
        null,
        null,
        false,
        null,
        false,
        stock,
        Applies.REOPEN,
        "",
        doc);
  }
}
