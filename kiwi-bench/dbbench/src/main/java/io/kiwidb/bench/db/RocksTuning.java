package io.kiwidb.bench.db;

import java.util.Locale;
import java.util.Map;

/**
 * RocksDB settings that match a kiwi-db configuration, for the like-for-like run: the same
 * compression, a full Bloom filter at the bits per key that give kiwi's false-positive rate, the
 * same block size, block cache bytes, memtable size and count, L0 triggers, level sizing and number
 * of background threads.
 *
 * @param compression kiwi's compressor name ({@code none} or {@code lz4})
 * @param filter kiwi's filter policy name ({@code bloom}, {@code ribbon} or {@code none})
 * @param falsePositiveRate the filter's target rate ({@code bloom_fpr_prod} or {@code _dev})
 * @param blockSize target data block size in bytes
 * @param blockCacheBytes data block cache capacity: kiwi's entry limit times the block size
 * @param memtableBytes memtable size at which it is frozen
 * @param maxWriteBuffers active plus frozen memtables before writers wait
 * @param l0CompactionTrigger L0 files that trigger a compaction
 * @param l0SlowdownTrigger L0 files at which writes slow down
 * @param l0StopTrigger L0 files at which writes stop
 * @param numLevels levels including L0
 * @param targetFileBytes compaction output file size
 * @param levelBaseBytes target size of L1
 * @param levelMultiplier growth factor between levels
 * @param backgroundJobs flush plus compaction threads
 */
record RocksTuning(
    String compression,
    String filter,
    double falsePositiveRate,
    long blockSize,
    long blockCacheBytes,
    long memtableBytes,
    int maxWriteBuffers,
    int l0CompactionTrigger,
    int l0SlowdownTrigger,
    int l0StopTrigger,
    int numLevels,
    long targetFileBytes,
    long levelBaseBytes,
    double levelMultiplier,
    int backgroundJobs) {

  private static final long MIB = 1L << 20;

  /** Derives the tuning from kiwi's effective config ({@code StorageEngine.config()}). */
  static RocksTuning fromKiwiConfig(Map<String, Object> c) {
    long blockSize = longOf(c, "block_size");
    String env = String.valueOf(c.get("env"));
    double fpr = doubleOf(c, "prod".equals(env) ? "bloom_fpr_prod" : "bloom_fpr_dev");
    return new RocksTuning(
        String.valueOf(c.get("compression")),
        String.valueOf(c.get("filter_policy")),
        fpr,
        blockSize,
        longOf(c, "cache_data_entry_limit") * blockSize,
        (long) (doubleOf(c, "max_memtable_size_mb") * MIB),
        (int) longOf(c, "immutable_queue_max_len") + 1,
        (int) longOf(c, "l0_compaction_threshold"),
        (int) longOf(c, "l0_slowdown_writes_threshold"),
        (int) longOf(c, "l0_stop_writes_threshold"),
        (int) longOf(c, "max_levels") + 1,
        longOf(c, "target_file_size_mb") * MIB,
        longOf(c, "max_bytes_for_level_base_mb") * MIB,
        doubleOf(c, "level_size_multiplier"),
        (int) (longOf(c, "flush_max_workers") + longOf(c, "compaction_max_workers")));
  }

  /**
   * Bits per key of a standard Bloom filter with an optimal number of probes at this rate, {@code
   * ln(1/p) / ln(2)^2}: 9.6 at 1%. kiwi's blocked Bloom filter spends about the same (9.9 at 1%),
   * and RocksDB's full filter takes bits per key as its parameter.
   */
  double bloomBitsPerKey() {
    return bitsPerKey(falsePositiveRate);
  }

  static double bitsPerKey(double falsePositiveRate) {
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new IllegalArgumentException(
          "false-positive rate must be in (0, 1), got " + falsePositiveRate);
    }
    double ln2 = Math.log(2);
    return Math.log(1 / falsePositiveRate) / (ln2 * ln2);
  }

  /** One line for the report header. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "compression=%s, filter=%s (%.2f bits/key for FPR %.3f), block=%d B, block cache=%d MiB,"
            + " memtable=%d MiB x %d, L0 triggers %d/%d/%d, levels=%d, target file=%d MiB,"
            + " L1=%d MiB x %.1f, background jobs=%d",
        compression,
        "none".equals(filter) ? "none" : "full bloom",
        bloomBitsPerKey(),
        falsePositiveRate,
        blockSize,
        blockCacheBytes / MIB,
        memtableBytes / MIB,
        maxWriteBuffers,
        l0CompactionTrigger,
        l0SlowdownTrigger,
        l0StopTrigger,
        numLevels,
        targetFileBytes / MIB,
        levelBaseBytes / MIB,
        levelMultiplier,
        backgroundJobs);
  }

  private static long longOf(Map<String, Object> c, String key) {
    return ((Number) require(c, key)).longValue();
  }

  private static double doubleOf(Map<String, Object> c, String key) {
    return ((Number) require(c, key)).doubleValue();
  }

  private static Object require(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException("kiwi config has no numeric " + key + ": " + v);
    }
    return v;
  }
}
