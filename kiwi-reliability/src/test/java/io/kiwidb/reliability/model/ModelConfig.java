package io.kiwidb.reliability.model;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.testkit.ConfigFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One cell of the configuration matrix (memtable x filter x compaction) plus the tiny sizes that
 * make flushes and compactions happen within a few hundred operations. The sizes are drawn from the
 * run's seed, so different seeds also cover different thresholds.
 *
 * @param memtable {@code memtable_impl}
 * @param filter {@code filter_policy}
 * @param compaction {@code compaction_strategy}
 * @param keys every config key written to {@code config.json}, in order
 */
record ModelConfig(String memtable, String filter, String compaction, Map<String, Object> keys) {
  static final List<String> MEMTABLES = List.of("arena", "skiplist", "redblack");
  static final List<String> FILTERS = List.of("bloom", "ribbon", "none");
  static final List<String> COMPACTIONS = List.of("leveled", "tiered");

  /** A config for one cell, with sizes drawn from {@code random}. */
  static ModelConfig draw(String memtable, String filter, String compaction, Random random) {
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("log_broadcast_enabled", false);
    k.put("wal_sync_mode", "always");
    k.put("memtable_impl", memtable);
    k.put("filter_policy", filter);
    k.put("compaction_strategy", compaction);
    k.put("compression", random.nextBoolean() ? "lz4" : "none");
    k.put("max_memtable_entries", 4 + random.nextInt(60));
    k.put("max_memtable_size_mb", 0.02 + random.nextInt(5) * 0.01);
    k.put("immutable_queue_max_len", 1 + random.nextInt(3));
    k.put("l0_compaction_threshold", 2 + random.nextInt(3));
    k.put("compaction_check_interval", 0.01);
    k.put("block_size", 256);
    k.put("target_file_size_mb", 1);
    k.put("max_bytes_for_level_base_mb", 1);
    k.put("level_size_multiplier", 2.0);
    k.put("max_levels", 3 + random.nextInt(2));
    k.put("flush_max_workers", 1 + random.nextInt(2));
    k.put("compaction_max_workers", 1 + random.nextInt(2));
    k.put("cache_data_entry_limit", random.nextInt(8));
    k.put("cache_index_entry_limit", random.nextInt(4));
    k.put("cache_bloom_entry_limit", random.nextInt(4));
    return new ModelConfig(memtable, filter, compaction, k);
  }

  /** The matrix cell, e.g. {@code skiplist/bloom/leveled}. */
  String cell() {
    return memtable + "/" + filter + "/" + compaction;
  }

  /** Writes {@code <root>/config.json}, durably. */
  void write(FileSystem fs, Path root) {
    ConfigFiles.write(fs, root, keys);
  }

  @Override
  public String toString() {
    return cell() + " " + keys;
  }
}
