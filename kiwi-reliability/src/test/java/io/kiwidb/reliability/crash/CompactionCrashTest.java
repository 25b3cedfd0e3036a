package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 7: a crash at any I/O step of a compaction reopens cleanly with no lost and no resurrected
 * key. A store is loaded with compaction held off (overwrites and deletes spread over several L0
 * tables, all acknowledged with {@code wal_sync_mode=always}); then compaction is let loose with a
 * power cut armed at its k-th I/O operation of any kind (reads included: a crash can come while the
 * inputs are read), for every k up to the number the compaction takes. After the cut the store is
 * reopened and every key must read exactly as loaded; then the reopened store must compact and
 * still read the same. Both strategies; default one seeded load, {@code -Psoak} ten.
 */
@ExtendWith(SeededRandomExtension.class)
class CompactionCrashTest {
  private static final Path ROOT = Path.of("/db");
  private static final int KEYS = 60;

  @Test
  void crashAtEveryIoStepOfACompactionLosesAndResurrectsNothing(SeededRandom random) {
    long seed = random.nextLong();
    int loads = CrashTesting.soak() ? 10 : 1;
    for (int i = 0; i < loads; i++) {
      for (String strategy : List.of("leveled", "tiered")) {
        sweep(strategy, seed + i);
      }
    }
  }

  private static Map<String, Object> config(String strategy) {
    Map<String, Object> c = CrashTesting.tinyConfig("always");
    c.put("compaction_strategy", strategy);
    c.put("max_memtable_entries", 1000);
    c.put("l0_compaction_threshold", 50);
    c.put("l0_slowdown_writes_threshold", 100);
    c.put("l0_stop_writes_threshold", 200);
    return c;
  }

  /** Loads six L0 tables; returns the model of what was written (all acknowledged). */
  private static Expectations load(StorageEngine engine, long seed) {
    Random random = new Random(seed);
    Expectations model = new Expectations();
    for (int table = 0; table < 6; table++) {
      for (int i = 0; i < 30; i++) {
        String key = String.format("key%03d", random.nextInt(KEYS));
        if (random.nextInt(100) < 30) {
          engine.delete(b(key));
          model.acked(key, null);
        } else {
          String value = "t" + table + "." + i + "." + "x".repeat(random.nextInt(150));
          engine.put(b(key), b(value));
          model.acked(key, value);
        }
      }
      int before = engine.stats().l0SstableCount();
      engine.flush();
      if (!CrashTesting.await(() -> engine.stats().l0SstableCount() > before, 60_000)) {
        fail("the flush of table " + table + " did not finish");
      }
    }
    return model;
  }

  private static boolean compacted(StorageEngine engine) {
    var stats = engine.stats();
    return stats.counters().compactions() > 0 && stats.l0SstableCount() < 2;
  }

  private void sweep(String strategy, long seed) {
    long started = System.nanoTime();
    long total;
    {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      CrashTesting.writeConfig(fs, ROOT, config(strategy));
      try (StorageEngine engine = LsmEngine.open(fs, ROOT, null)) {
        load(engine, seed);
        long before = fs.count(Op.ALL);
        engine.updateConfig("l0_compaction_threshold", 2);
        assertTrue(CrashTesting.await(() -> compacted(engine), 60_000), "dry run compacts");
        total = fs.count(Op.ALL) - before;
      }
    }
    int crashedMidway = 0;
    for (long k = 1; k <= total; k++) {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      CrashTesting.writeConfig(fs, ROOT, config(strategy));
      StorageEngine engine = LsmEngine.open(fs, ROOT, null);
      Expectations model = load(engine, seed);
      fs.failAt(Op.ALL, k, Fault.CRASH);
      try {
        engine.updateConfig("l0_compaction_threshold", 2);
      } catch (RuntimeException e) {
        // The crash hit the config rewrite; the compaction may not even start.
      }
      CrashTesting.await(() -> fs.isDead() || compacted(engine), 10_000);
      if (fs.isDead()) {
        crashedMidway++;
      }
      CrashTesting.powerCut(fs, engine);
      try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
        check(strategy, k, "after the crash", model, reopened);
        reopened.updateConfig("l0_compaction_threshold", 2);
        if (!CrashTesting.await(() -> reopened.stats().l0SstableCount() < 2, 60_000)) {
          fail(strategy + " k=" + k + ": the reopened store does not compact");
        }
        check(strategy, k, "after compacting the reopened store", model, reopened);
      }
    }
    assertTrue(crashedMidway > 0, "some crashes must land inside the compaction");
    System.out.printf(
        "[figures] compaction crash (%s): %d crash points (%d hit before the compaction"
            + " finished), %d keys checked twice each, %.1f s%n",
        strategy, total, crashedMidway, KEYS, (System.nanoTime() - started) / 1e9);
  }

  private static void check(
      String strategy, long k, String when, Expectations model, StorageEngine engine) {
    Expectations copy = new Expectations();
    for (String key : model.keys()) {
      copy.acked(key, model.allowed(key).iterator().next());
    }
    List<String> problems =
        copy.checkAndSettle(
            key -> engine.get(b(key)).map(CrashTesting::s).orElse(null), CrashTesting.scan(engine));
    if (!problems.isEmpty()) {
      fail(strategy + " k=" + k + " " + when + ": " + problems);
    }
  }
}
