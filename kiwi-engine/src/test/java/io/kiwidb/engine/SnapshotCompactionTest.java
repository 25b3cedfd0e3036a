package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static io.kiwidb.engine.LsmEngineTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.TableSummary;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9: reads through a snapshot see one sequence number through flushes and compactions;
 * compaction keeps every version a live snapshot can see and, once the snapshot is released, the
 * next compaction of that range drops them (visible in the entries the tables hold). Run with both
 * compaction strategies.
 */
class SnapshotCompactionTest {
  private FaultInjectingFileSystem fs;
  private LsmEngine engine;

  private void open(String strategy) {
    fs = FaultInjectingFileSystem.inMemory();
    writeConfig(
        fs,
        ROOT,
        Map.of(
            "max_memtable_entries",
            1000,
            "l0_compaction_threshold",
            2,
            "compaction_check_interval",
            0.01,
            "compaction_strategy",
            strategy));
    engine = LsmEngine.open(fs, ROOT, null);
  }

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
  }

  /** Versions of {@code key} held by the tables (values, or "tombstone"), newest first. */
  private List<String> versionsOnDisk(String key) {
    List<EntryView> found = new ArrayList<>();
    for (List<TableSummary> level : engine.showDisk().levels().values()) {
      for (TableSummary t : level) {
        for (EntryView e : engine.showDisk(t.fileId()).entries()) {
          if (Arrays.equals(e.key(), b(key))) {
            found.add(e);
          }
        }
      }
    }
    found.sort((x, y) -> Long.compare(y.seq(), x.seq()));
    List<String> out = new ArrayList<>();
    for (EntryView e : found) {
      out.add(e.value() == null ? "tombstone" : s(e.value()));
    }
    return out;
  }

  /** A table spanning the whole key range, so the next L0 compaction rewrites everything. */
  private void flushSpanningTable(String tag) {
    engine.put(b("a"), b(tag));
    engine.put(b("z"), b(tag));
    engine.flush();
  }

  private void awaitCompactions(long atLeast) {
    await(
        atLeast + " compactions and an empty L0",
        () ->
            engine.stats().counters().compactions() >= atLeast
                && engine.stats().l0SstableCount() == 0
                && engine.stats().immutableQueueLen() == 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"leveled", "tiered"})
  void compactionKeepsWhatASnapshotSeesAndDropsItAfterRelease(String strategy) {
    open(strategy);
    engine.put(b("k"), b("v1"));
    engine.put(b("gone"), b("g1"));
    flushSpanningTable("t1");
    Snapshot snap = engine.snapshot();
    engine.put(b("k"), b("v2"));
    engine.delete(b("gone"));
    flushSpanningTable("t2");
    awaitCompactions(1);

    assertEquals(List.of("v2", "v1"), versionsOnDisk("k"), "v1 is kept for the snapshot");
    assertEquals(List.of("tombstone", "g1"), versionsOnDisk("gone"));
    assertEquals("v1", s(engine.get(b("k"), snap).orElseThrow()));
    assertEquals("g1", s(engine.get(b("gone"), snap).orElseThrow()));
    assertEquals("v2", s(engine.get(b("k")).orElseThrow()));
    assertTrue(engine.get(b("gone")).isEmpty());
    assertEquals(List.of("a=t1", "gone=g1", "k=v1", "z=t1"), scan(snap));

    snap.close();
    long done = engine.stats().counters().compactions();
    flushSpanningTable("t3");
    flushSpanningTable("t4");
    awaitCompactions(done + 1);
    assertEquals(List.of("v2"), versionsOnDisk("k"), "v1 is dropped once no snapshot needs it");
    assertEquals(
        List.of(), versionsOnDisk("gone"), "a bottom-level tombstone goes with what it hid");
    assertThrows(EngineClosedException.class, () -> engine.get(b("k"), snap));
    assertThrows(
        EngineClosedException.class, () -> engine.iterator(ScanOptions.all().withSnapshot(snap)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"leveled", "tiered"})
  void twoSnapshotsKeepOneVersionEachAndNothingBetween(String strategy) {
    open(strategy);
    List<Snapshot> snaps = new ArrayList<>();
    for (int v = 1; v <= 6; v++) {
      engine.put(b("k"), b("v" + v));
      if (v == 2 || v == 4) {
        snaps.add(engine.snapshot());
      }
    }
    flushSpanningTable("t1");
    flushSpanningTable("t2");
    awaitCompactions(1);
    // Stripes: (-inf, s1] keeps v2, (s1, s2] keeps v4, the rest keeps v6; v1, v3, v5 go.
    assertEquals(List.of("v6", "v4", "v2"), versionsOnDisk("k"));
    assertEquals("v2", s(engine.get(b("k"), snaps.get(0)).orElseThrow()));
    assertEquals("v4", s(engine.get(b("k"), snaps.get(1)).orElseThrow()));
    snaps.get(0).close();
    long done = engine.stats().counters().compactions();
    flushSpanningTable("t3");
    flushSpanningTable("t4");
    awaitCompactions(done + 1);
    assertEquals(List.of("v6", "v4"), versionsOnDisk("k"));
    assertEquals("v4", s(engine.get(b("k"), snaps.get(1)).orElseThrow()));
    snaps.get(1).close();
  }

  private List<String> scan(Snapshot snap) {
    List<String> out = new ArrayList<>();
    try (KiwiIterator it = engine.iterator(ScanOptions.all().withSnapshot(snap))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(s(it.key()) + "=" + s(it.value()));
      }
    }
    return out;
  }
}
