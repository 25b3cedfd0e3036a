package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.powerCut;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One test per documented behaviour of the reference engine page, plus the API beyond it. Runs on
 * the in-memory file system so crashes can be simulated.
 */
class LsmEngineTest {
  private FaultInjectingFileSystem fs;
  private LsmEngine engine;

  @BeforeEach
  void setUp() {
    fs = FaultInjectingFileSystem.inMemory();
    writeConfig(fs, ROOT, Map.of("max_memtable_entries", 1000));
    engine = LsmEngine.open(fs, ROOT, null);
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private LsmEngine reopen() {
    engine.close();
    engine = LsmEngine.open(fs, ROOT, null);
    return engine;
  }

  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until L0 holds {@code tables} files and no memtable awaits flush. */
  private void awaitFlushed(int tables) {
    await(
        tables + " tables in L0 and an empty flush queue",
        () -> engine.stats().l0SstableCount() == tables && engine.stats().immutableQueueLen() == 0);
  }

  @Test
  void putThenGetReturnsTheValueAndDeleteHidesIt() {
    engine.put(b("k1"), b("v1"));
    assertEquals("v1", s(engine.get(b("k1")).orElseThrow()));
    engine.put(b("k1"), b("v2"));
    assertEquals("v2", s(engine.get(b("k1")).orElseThrow()));
    engine.delete(b("k1"));
    assertTrue(engine.get(b("k1")).isEmpty());
    assertTrue(engine.get(b("never")).isEmpty());
  }

  @Test
  void badKeysAndValuesAreRejectedWithoutWriting() {
    long seq = engine.stats().seq();
    assertThrows(IllegalArgumentException.class, () -> engine.put(new byte[0], b("v")));
    assertThrows(NullPointerException.class, () -> engine.put(b("k"), null));
    assertThrows(IllegalArgumentException.class, () -> engine.delete(new byte[70_000]));
    assertEquals(seq, engine.stats().seq());
  }

  @Test
  void flushReturnsFalseWhenTheMemtableIsEmptyAndTrueOtherwise() {
    assertFalse(engine.flush());
    engine.put(b("a"), b("1"));
    assertTrue(engine.flush());
    await(
        "the flush to reach L0 and leave the queue",
        () -> engine.stats().l0SstableCount() == 1 && engine.stats().immutableQueueLen() == 0);
    assertEquals("1", s(engine.get(b("a")).orElseThrow()));
    assertFalse(engine.flush());
  }

  @Test
  void deleteShadowsAValueInATable() {
    engine.put(b("a"), b("1"));
    engine.flush();
    awaitFlushed(1);
    engine.delete(b("a"));
    assertTrue(engine.get(b("a")).isEmpty());
    engine.flush();
    awaitFlushed(2);
    assertTrue(engine.get(b("a")).isEmpty());
  }

  @Test
  void updateConfigReturnsOldAndNewAndPersists() {
    ConfigChange change = engine.updateConfig("max_memtable_entries", 500);
    assertEquals(1000, ((Number) change.oldValue()).intValue());
    assertEquals(500, ((Number) change.newValue()).intValue());
    assertEquals(500, ((Number) engine.config().get("max_memtable_entries")).intValue());
    InvalidConfigException bad =
        assertThrows(InvalidConfigException.class, () -> engine.updateConfig("block_size", -1));
    assertTrue(bad.getMessage().contains("block_size"), bad.getMessage());
    assertThrows(InvalidConfigException.class, () -> engine.updateConfig("no_such_key", 1));
    reopen();
    assertEquals(500, ((Number) engine.config().get("max_memtable_entries")).intValue());
  }

  @Test
  void statsReportsTheNineReferenceFields() {
    engine.put(b("a"), b("1"));
    engine.put(b("b"), b("2"));
    engine.delete(b("a"));
    EngineStats st = engine.stats();
    assertEquals(3, st.keyCount());
    assertEquals(3, st.seq());
    assertEquals(3, st.walEntryCount());
    assertEquals(ROOT.toString(), st.dataRoot());
    assertEquals(32, st.activeTableId().length());
    assertTrue(st.activeSizeBytes() > 0);
    assertEquals(0, st.immutableQueueLen());
    assertEquals(List.of(), st.immutableSnapshots());
    assertEquals(0, st.l0SstableCount());
    assertEquals(3, st.counters().writes());
  }

  @Test
  void showMemListsAndDetailsMemtables() {
    engine.put(b("b"), b("2"));
    engine.put(b("a"), b("1"));
    MemListing listing = engine.showMem();
    assertEquals(2, listing.active().entryCount());
    MemTableDetail detail = engine.showMem(listing.active().tableId());
    assertEquals("active", detail.type());
    assertEquals(2, detail.entries().size());
    assertEquals("a", s(detail.entries().get(0).key()));
    assertEquals(EntryKind.PUT, detail.entries().get(0).op());
    assertThrows(IllegalArgumentException.class, () -> engine.showMem("nope"));
  }

  @Test
  void showDiskListsTablesByLevelAndDetailsOne() {
    engine.put(b("a"), b("1"));
    engine.delete(b("b"));
    engine.flush();
    awaitFlushed(1);
    DiskListing listing = engine.showDisk();
    List<TableSummary> l0 = listing.levels().get("L0");
    assertEquals(1, l0.size());
    TableSummary t = l0.get(0);
    assertEquals(2, t.recordCount());
    assertEquals(1, t.tombstoneCount());
    assertEquals("a", s(t.smallestKey()));
    assertEquals("b", s(t.largestKey()));
    TableDetail detail = engine.showDisk(t.fileId());
    assertEquals(2, detail.entries().size());
    assertNull(detail.entries().get(1).value());
    assertThrows(IllegalArgumentException.class, () -> engine.showDisk("999999"));
  }

  @Test
  void closeIsIdempotentAndEveryCallAfterItFailsClearly() {
    engine.close();
    engine.close();
    List<Runnable> calls =
        List.of(
            () -> engine.put(b("a"), b("1")),
            () -> engine.get(b("a")),
            () -> engine.delete(b("a")),
            () -> engine.flush(),
            () -> engine.stats(),
            () -> engine.showMem(),
            () -> engine.showDisk(),
            () -> engine.updateConfig("block_size", 8192),
            () -> engine.snapshot(),
            () -> engine.iterator(ScanOptions.all()),
            () -> engine.trace(b("a")),
            () -> engine.write(new WriteBatch().put(b("a"), b("1"))));
    for (Runnable call : calls) {
      EngineClosedException e = assertThrows(EngineClosedException.class, call::run);
      assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }
  }

  @Test
  void aSecondEngineOnTheSameDirectoryIsRefused() {
    RuntimeException e = assertThrows(RuntimeException.class, () -> LsmEngine.open(fs, ROOT, null));
    assertTrue(e.getMessage().contains("lock"), e.getMessage());
  }

  @Test
  void reopenKeepsMemtableAndTableData() {
    for (int i = 0; i < 100; i++) {
      engine.put(b("k" + i), b("v" + i));
    }
    engine.flush();
    awaitFlushed(1);
    for (int i = 0; i < 100; i += 2) {
      engine.delete(b("k" + i));
    }
    engine.put(b("k1"), b("new"));
    long seq = engine.stats().seq();
    reopen();
    assertEquals(seq, engine.stats().seq());
    for (int i = 0; i < 100; i++) {
      String expected = i == 1 ? "new" : i % 2 == 0 ? null : "v" + i;
      assertEquals(
          expected, engine.get(b("k" + i)).map(EngineTestSupport::s).orElse(null), "k" + i);
    }
  }

  @Test
  void aPowerCutKeepsEveryAcknowledgedWrite() {
    for (int i = 0; i < 50; i++) {
      engine.put(b("k" + i), b("v" + i));
      if (i == 20) {
        engine.flush();
      }
    }
    engine.delete(b("k3"));
    powerCut(fs, engine);
    engine = LsmEngine.open(fs, ROOT, null);
    for (int i = 0; i < 50; i++) {
      assertEquals(
          i == 3 ? null : "v" + i, engine.get(b("k" + i)).map(EngineTestSupport::s).orElse(null));
    }
  }

  @Test
  void writeBatchIsAppliedAtomically() {
    engine.put(b("x"), b("old"));
    engine.write(new WriteBatch().put(b("a"), b("1")).delete(b("x")).put(b("b"), b("2")));
    assertEquals("1", s(engine.get(b("a")).orElseThrow()));
    assertTrue(engine.get(b("x")).isEmpty());
    assertEquals(4, engine.stats().seq());
  }

  @Test
  void snapshotsAndIteratorsSeeAFixedState() {
    engine.put(b("a"), b("1"));
    engine.put(b("b"), b("2"));
    engine.flush();
    engine.put(b("c"), b("3"));
    try (Snapshot snap = engine.snapshot()) {
      engine.delete(b("a"));
      engine.put(b("b"), b("22"));
      engine.put(b("d"), b("4"));
      assertEquals("1", s(engine.get(b("a"), snap).orElseThrow()));
      List<String> seen = new ArrayList<>();
      try (KiwiIterator it = engine.iterator(ScanOptions.all().withSnapshot(snap))) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          seen.add(s(it.key()) + "=" + s(it.value()));
        }
      }
      assertEquals(List.of("a=1", "b=2", "c=3"), seen);
    }
    List<String> now = new ArrayList<>();
    try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
      for (it.seekToLast(); it.isValid(); it.prev()) {
        now.add(s(it.key()));
      }
    }
    assertEquals(List.of("d", "c", "b"), now);
  }

  @Test
  void traceFollowsTheLookupThroughEveryLayer() {
    engine.put(b("a"), b("1"));
    engine.flush();
    awaitFlushed(1);
    engine.put(b("z"), b("9"));
    LookupTrace t = engine.trace(b("a"));
    assertEquals(LookupTrace.Answer.FOUND, t.outcome());
    assertEquals("1", s(t.value()));
    assertEquals("L0", t.steps().get(t.steps().size() - 1).layer());
    assertEquals(LookupTrace.Answer.ABSENT, t.steps().get(0).answer());
    assertEquals(LookupTrace.Answer.ABSENT, engine.trace(b("q")).outcome());
  }

  @Test
  void asyncWritesCompleteWhenDurable() throws Exception {
    engine.async().put(b("a"), b("1")).get();
    assertEquals("1", s(engine.async().get(b("a")).get().orElseThrow()));
    engine.async().delete(b("a")).get();
    assertTrue(engine.get(b("a")).isEmpty());
  }
}
