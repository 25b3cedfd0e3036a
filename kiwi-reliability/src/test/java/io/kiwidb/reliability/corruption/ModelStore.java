package io.kiwidb.reliability.corruption;

import static io.kiwidb.reliability.corruption.StoreProbe.ROOT;
import static io.kiwidb.reliability.corruption.StoreProbe.utf8;

import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A small store built through the engine with a tiny memtable, small blocks and an eager L0
 * compaction, so it holds tables in L0 and L1 (several data blocks each, a bloom filter, deletes
 * and overwritten keys), a manifest with several edits, and a few writes only in the WAL. The model
 * is the state every read must agree with.
 */
final class ModelStore {
  /** Config of the sweep opens: no compaction at open, so each case is deterministic. */
  static final Map<String, Object> SWEEP_CONFIG =
      Map.of(
          "block_size",
          256,
          "l0_compaction_threshold",
          1000,
          "l0_slowdown_writes_threshold",
          1000,
          "l0_stop_writes_threshold",
          1000);

  final DataDirImage image;
  final SortedMap<String, String> model = new TreeMap<>();
  final Set<String> keys = new LinkedHashSet<>();

  ModelStore(Random random, int keyCount, int operations, int maxValue) {
    this(random, keyCount, operations, maxValue, false);
  }

  /**
   * @param flushEverything flush the last writes too, so the WAL holds no record at close (and a
   *     lost manifest edit cannot show as a gap before the WAL)
   */
  ModelStore(Random random, int keyCount, int operations, int maxValue, boolean flushEverything) {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    int memtableEntries = Math.max(8, operations / 5);
    StoreProbe.writeConfig(
        fs,
        Map.of(
            "max_memtable_entries", memtableEntries,
            "block_size", 256,
            "l0_compaction_threshold", 2));
    LsmEngine engine = LsmEngine.open(fs, ROOT, null);
    try {
      // The last few writes stay in the active memtable, so the WAL holds them at close.
      int total = operations + 1 + memtableEntries / 3;
      for (int i = 0; i < total; i++) {
        String k = String.format("key-%04d", random.nextInt(keyCount));
        keys.add(k);
        if (random.nextInt(6) == 0) {
          engine.delete(utf8(k));
          model.remove(k);
        } else {
          String v = k + "=" + i + "-" + "v".repeat(random.nextInt(maxValue));
          engine.put(utf8(k), utf8(v));
          model.put(k, v);
        }
        if (i == operations - 1) {
          engine.flush();
          awaitQuiet(engine);
        }
      }
      if (flushEverything) {
        engine.flush();
        awaitQuiet(engine);
      }
    } finally {
      engine.close();
    }
    image = DataDirImage.capture(fs, ROOT);
  }

  /** Waits until no memtable awaits a flush and L0 is below the compaction threshold. */
  private static void awaitQuiet(LsmEngine engine) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (engine.stats().immutableQueueLen() > 0 || engine.stats().l0SstableCount() >= 2) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("background work did not settle: " + engine.stats());
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
