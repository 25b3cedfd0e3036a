package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.Snapshot;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A flush writes only the versions some reader can still see: a key overwritten while it sat in the
 * memtable reaches L0 once (write amplification), unless a snapshot pins an older version, and a
 * tombstone always reaches L0 (older tables may hold the key).
 */
class FlushPruningTest {
  private FaultInjectingFileSystem fs;
  private LsmEngine engine;

  @BeforeEach
  void setUp() {
    fs = FaultInjectingFileSystem.inMemory();
    writeConfig(fs, ROOT, Map.of("l0_compaction_threshold", 10));
    engine = LsmEngine.open(fs, ROOT, null);
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  /** Flushes and returns the entries of the one new L0 table, as "key@seq=value" strings. */
  private List<String> flushAndList(int expectedL0) {
    assertTrue(engine.flush());
    LsmEngineTest.await(
        "the flush", () -> engine.stats().l0SstableCount() == expectedL0 && queueEmpty());
    List<TableSummary> l0 = engine.showDisk().levels().get("L0");
    TableSummary newest = l0.get(0);
    for (TableSummary t : l0) {
      if (t.maxSeq() > newest.maxSeq()) {
        newest = t;
      }
    }
    TableDetail detail = engine.showDisk(newest.fileId());
    return detail.entries().stream()
        .map(e -> s(e.key()) + "@" + e.seq() + "=" + (e.value() == null ? "DEL" : s(e.value())))
        .toList();
  }

  private boolean queueEmpty() {
    return engine.stats().immutableQueueLen() == 0;
  }

  @Test
  void overwrittenVersionsAreNotFlushed() {
    engine.put(b("a"), b("1"));
    engine.put(b("a"), b("2"));
    engine.put(b("b"), b("x"));
    engine.put(b("a"), b("3"));
    assertEquals(List.of("a@4=3", "b@3=x"), flushAndList(1));
    assertEquals("3", s(engine.get(b("a")).orElseThrow()));
  }

  @Test
  void aSnapshotKeepsTheVersionItSees() {
    engine.put(b("a"), b("1"));
    engine.put(b("a"), b("2"));
    try (Snapshot snap = engine.snapshot()) {
      engine.put(b("a"), b("3"));
      engine.put(b("a"), b("4"));
      // Newest for current readers, and the newest at or below the snapshot (seq 2).
      assertEquals(List.of("a@4=4", "a@2=2"), flushAndList(1));
      assertEquals("2", s(engine.get(b("a"), snap).orElseThrow()));
    }
    assertEquals("4", s(engine.get(b("a")).orElseThrow()));
  }

  @Test
  void tombstonesReachL0AndStillHideOlderTables() {
    engine.put(b("a"), b("old"));
    assertEquals(List.of("a@1=old"), flushAndList(1));
    engine.put(b("a"), b("new"));
    engine.delete(b("a"));
    assertEquals(List.of("a@3=DEL"), flushAndList(2));
    assertFalse(engine.get(b("a")).isPresent());
  }
}
