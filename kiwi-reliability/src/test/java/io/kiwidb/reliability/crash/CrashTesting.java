package io.kiwidb.reliability.crash;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.testkit.ConfigFiles;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/** Helpers shared by the crash tests: configs, byte conversions, power cuts, full-state reads. */
final class CrashTesting {
  private CrashTesting() {}

  /** Whether the long (soak) versions run: {@code -Psoak} sets {@code kiwi.soak=true}. */
  static boolean soak() {
    return Boolean.getBoolean("kiwi.soak");
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * A config that makes every background path run on a few hundred writes: tiny memtables, L0
   * compaction at two files, one-MiB levels, a fast compaction check, no log broadcast server.
   */
  static Map<String, Object> tinyConfig(String syncMode) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("log_broadcast_enabled", false);
    c.put("wal_sync_mode", syncMode);
    c.put("max_memtable_entries", 32);
    c.put("l0_compaction_threshold", 2);
    c.put("compaction_check_interval", 0.02);
    c.put("target_file_size_mb", 1);
    c.put("max_bytes_for_level_base_mb", 1);
    c.put("level_size_multiplier", 2.0);
    c.put("max_levels", 3);
    return c;
  }

  /** Writes {@code <root>/config.json} with {@code keys}, durably. */
  static void writeConfig(FileSystem fs, Path root, Map<String, Object> keys) {
    ConfigFiles.write(fs, root, keys);
  }

  /**
   * Kills an engine the way a power cut would: every I/O from now on fails, the engine is closed
   * (its close fails quietly, as a dead process's would not run at all), and the file system drops
   * everything that was not durable.
   */
  static void powerCut(FaultInjectingFileSystem fs, StorageEngine engine) {
    fs.failAt(FaultInjectingFileSystem.Op.ALL, 1, FaultInjectingFileSystem.Fault.CRASH);
    closeQuietly(engine);
    fs.crash();
  }

  /** Closes an engine whose file system may be failing; the outcome does not matter. */
  static void closeQuietly(StorageEngine engine) {
    if (engine == null) {
      return;
    }
    try {
      engine.close();
    } catch (RuntimeException expected) {
      // A failing disk may fail the final WAL sync; what the disk kept is what gets checked.
    }
  }

  /** Every live key and value, by a full forward scan. */
  static SortedMap<String, String> scan(StorageEngine engine) {
    TreeMap<String, String> out = new TreeMap<>();
    try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.put(s(it.key()), s(it.value()));
      }
    }
    return out;
  }

  /** Polls {@code condition} every few milliseconds for up to {@code millis}. */
  static boolean await(BooleanSupplier condition, long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
