package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static io.kiwidb.engine.LsmEngineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.CompactionInfo;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.TableSummary;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an operator reads off a running engine: the implementations in use, a key count across
 * memtables and tables, the bytes behind write amplification, and the compactions running and
 * recently finished.
 */
class EngineActivityTest {
  private FaultInjectingFileSystem fs;
  private LsmEngine engine;

  private void open(Map<String, Object> config) {
    fs = FaultInjectingFileSystem.inMemory();
    writeConfig(fs, ROOT, config);
    engine = LsmEngine.open(fs, ROOT, null);
  }

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void statsNameTheImplementationsInUse() {
    open(
        Map.of(
            "memtable_impl",
            "redblack",
            "filter_policy",
            "ribbon",
            "compaction_strategy",
            "tiered"));
    Map<String, String> names = engine.stats().implementations();
    assertEquals(
        List.of("memtable_impl", "filter_policy", "compaction_strategy", "compression"),
        List.copyOf(names.keySet()));
    assertEquals("redblack", names.get("memtable_impl"));
    assertEquals("ribbon", names.get("filter_policy"));
    assertEquals("tiered", names.get("compaction_strategy"));
    assertEquals("none", names.get("compression"));
  }

  /**
   * Regression: {@code keyCount} counts the active memtable only (the reference's meaning), so a
   * store whose keys are all on disk read as empty to an operator.
   */
  @Test
  void estimatedKeyCountCoversTablesAfterAFlush() {
    open(Map.of());
    for (int i = 0; i < 500; i++) {
      engine.put(b("k" + i), b("v" + i));
    }
    engine.delete(b("k0"));
    engine.flush();
    await("the flush", () -> engine.stats().l0SstableCount() == 1);
    EngineStats stats = engine.stats();
    assertEquals(0, stats.keyCount());
    assertEquals(499, stats.estimatedKeyCount());
    engine.put(b("new"), b("x"));
    assertEquals(500, engine.stats().estimatedKeyCount());
    // An overwrite of a key on disk is counted twice until compaction merges the two: an upper
    // bound, never below the live count.
    engine.put(b("k1"), b("again"));
    assertEquals(501, engine.stats().estimatedKeyCount());
  }

  @Test
  void countersCarryTheBytesBehindWriteAmplification() {
    open(Map.of());
    assertEquals(0, engine.stats().counters().writeAmplification());
    engine.put(b("key"), b("value")); // 8 user bytes
    engine.delete(b("gone")); // 4
    var counters = engine.stats().counters();
    assertEquals(12, counters.bytesWritten());
    assertTrue(counters.walBytesWritten() > 12, "framing adds bytes: " + counters);
    engine.flush();
    await("the flush", () -> engine.stats().counters().flushes() == 1);
    counters = engine.stats().counters();
    assertEquals(
        (double) (counters.walBytesWritten() + counters.bytesFlushed()) / 12,
        counters.writeAmplification(),
        1e-9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leveled", "tiered"})
  void compactionsListsFinishedCompactionsWithTheirFiles(String strategy) {
    open(
        Map.of(
            "l0_compaction_threshold",
            2,
            "compaction_check_interval",
            0.01,
            "compaction_strategy",
            strategy));
    assertEquals(new CompactionActivity(List.of(), List.of()), engine.compactions());
    Set<String> flushed = new HashSet<>();
    for (int round = 0; round < 2; round++) {
      engine.put(b("a"), b("v" + round));
      engine.put(b("z"), b("v" + round));
      engine.flush();
      int files = round + 1;
      await("flush " + files, () -> engine.stats().counters().flushes() >= files);
    }
    await("a compaction", () -> !engine.compactions().recent().isEmpty());
    CompactionInfo done = engine.compactions().recent().get(0);
    assertEquals(strategy, done.strategy());
    assertFalse(done.running());
    assertNotNull(done.duration());
    assertNull(done.error());
    assertFalse(done.reason().isBlank());
    assertEquals(2, done.inputFiles().size(), done.toString());
    assertTrue(done.inputFiles().stream().allMatch(f -> f.startsWith("L0:")), done.toString());
    assertTrue(done.inputBytes() > 0);
    assertFalse(done.outputFiles().isEmpty());
    await("the compaction installed", () -> engine.stats().l0SstableCount() == 0);
    for (List<TableSummary> level : engine.showDisk().levels().values()) {
      level.forEach(t -> flushed.add("L" + t.level() + ":" + t.fileId()));
    }
    assertTrue(flushed.containsAll(done.outputFiles()), done + " vs " + flushed);
    assertEquals(
        done.trivialMove() ? 0 : engine.stats().counters().bytesCompacted(), done.outputBytes());
  }
}
