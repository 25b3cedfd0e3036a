package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EngineStats;
import io.kiwidb.api.WriteStallException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reference's memtable freeze rules, immutable queue, back-pressure and {@code flush()}. Table
 * syncs are held where a test needs frozen memtables to stay in the queue.
 */
class FreezeAndFlushConformanceTest extends EngineFixture {

  @Test
  @DisplayName("maybe_freeze: \"max_memtable_entries — freeze ... at this many entries\"")
  void freezesAtTheEntryLimit() {
    open(Map.of("max_memtable_entries", 3));
    String first = engine.stats().activeTableId();
    engine.put(b("a"), b("1"));
    engine.put(b("b"), b("2"));
    assertEquals(first, engine.stats().activeTableId(), "2 < 3 entries: not frozen");
    engine.put(b("c"), b("3"));
    EngineStats st = engine.stats();
    assertNotEquals(first, st.activeTableId(), "frozen by the third put");
    assertEquals(0, st.keyCount());
    awaitFlushed(1);
    assertEquals("3", get("c"));
  }

  @Test
  @DisplayName("maybe_freeze: \"max_memtable_size_mb — freeze the active memtable at this size\"")
  void freezesAtTheSizeLimit() {
    open(Map.of("max_memtable_entries", 0, "max_memtable_size_mb", 0.01)); // about 10 KiB
    String first = engine.stats().activeTableId();
    engine.put(b("small"), b("x"));
    assertEquals(first, engine.stats().activeTableId());
    engine.put(b("big"), new byte[12_000]);
    assertNotEquals(first, engine.stats().activeTableId());
    awaitFlushed(1);
    assertEquals(12_000, engine.get(b("big")).orElseThrow().length);
  }

  @Test
  @DisplayName(
      "immutable queue: \"immutable_queue_len / immutable_snapshots — frozen snapshots awaiting"
          + " flush\", oldest first")
  void frozenMemtablesQueueOldestFirst() {
    open(Map.of("max_memtable_entries", 1));
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1"));
    engine.put(b("b"), b("2"));
    EngineStats st = engine.stats();
    assertEquals(2, st.immutableQueueLen());
    List<String> listed = engine.showMem().immutable().stream().map(m -> m.snapshotId()).toList();
    assertEquals(listed, st.immutableSnapshots());
    assertTrue(
        engine.showMem().immutable().get(0).maxSeq() < engine.showMem().immutable().get(1).minSeq(),
        "oldest first");
    assertEquals("1", get("a"), "frozen memtables are still read");
    fs.releaseSyncs();
    awaitFlushed(2);
  }

  @Test
  @DisplayName(
      "immutable_queue_max_len: \"writers wait when this many memtables await flush\" (and go"
          + " on when a flush makes room)")
  void aWriterWaitsForRoomAndProceedsWhenAFlushFinishes() throws Exception {
    open(Map.of("max_memtable_entries", 1, "immutable_queue_max_len", 1));
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1")); // frozen: the queue is full
    engine.put(b("b"), b("2")); // fills the active memtable; no room to freeze it
    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> engine.put(b("c"), b("3")));
    Thread.sleep(200);
    assertFalse(third.isDone(), "the writer waits for the flush pipeline");
    assertEquals(2, engine.stats().seq(), "the waiting write has not taken a sequence number");
    fs.releaseSyncs();
    third.get();
    assertEquals("3", get("c"));
    assertEquals(3, engine.stats().seq());
  }

  @Test
  @DisplayName(
      "backpressure_timeout: \"seconds a writer waits before failing\" (WriteStallException,"
          + " nothing written)")
  void aWriterFailsAfterTheBackpressureTimeout() {
    open(
        Map.of(
            "max_memtable_entries", 1, "immutable_queue_max_len", 1, "backpressure_timeout", 0.2));
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1"));
    engine.put(b("b"), b("2"));
    WriteStallException e =
        assertThrows(WriteStallException.class, () -> engine.put(b("c"), b("3")));
    assertTrue(e.getMessage().contains("immutable_queue_max_len=1"), e.getMessage());
    assertEquals(2, engine.stats().seq());
    assertNull(get("c"));
    assertTrue(engine.stats().counters().stallNanos() >= 150_000_000L, "the wait is stall time");
    fs.releaseSyncs();
    awaitFlushed(1); // room again: the next write freezes the full active memtable and goes on
    engine.put(b("c"), b("3"));
    assertEquals("3", get("c"));
  }

  @Test
  @DisplayName("flush: \"Returns ... False if the memtable was empty\"")
  void flushOfAnEmptyMemtableReturnsFalse() {
    open();
    assertFalse(engine.flush());
    assertEquals(0, engine.stats().immutableQueueLen());
    logs.assertInOrder(
        List.of("Engine FLUSH (manual) requested", "Engine FLUSH skipped (empty memtable)"));
  }

  @Test
  @DisplayName(
      "flush: \"Freezes the current memtable regardless of size/entry thresholds and queues it\";"
          + " returns True")
  void flushFreezesRegardlessOfThresholdsAndQueues() {
    open(Map.of("max_memtable_entries", 1000));
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1"));
    String active = engine.stats().activeTableId();
    assertTrue(engine.flush());
    EngineStats st = engine.stats();
    assertEquals(1, st.immutableQueueLen());
    assertNotEquals(active, st.activeTableId());
    assertEquals(st.immutableSnapshots().get(0), logs.kv("Engine FLUSH queued").get("snapshot_id"));
    assertEquals("1", logs.kv("Engine FLUSH queued").get("entry_count"));
    logs.assertInOrder(List.of("Engine FLUSH (manual) requested", "Engine FLUSH queued"));
    fs.releaseSyncs();
    awaitFlushed(1);
  }

  @Test
  @DisplayName(
      "FlushPipeline: a queued memtable becomes an L0 SSTable; its WAL segment is then deleted")
  void theFlushPipelineWritesL0AndDropsCoveredWal() {
    open(Map.of("flush_max_workers", 2, "l0_compaction_threshold", 10));
    for (int round = 0; round < 3; round++) {
      engine.put(b("k" + round), b("v" + round));
      engine.flush();
    }
    awaitFlushed(3);
    await("covered WAL segments deleted", () -> engine.stats().walEntryCount() < 3);
    // The last flush's segment too, with no write after it: flush() rolls the segment itself.
    engine.put(b("last"), b("x"));
    fs.holdSyncs(ObservedFileSystem.under(sstDir())); // the install comes after flush() rolls
    engine.flush();
    fs.releaseSyncs();
    await("every WAL entry flushed and deleted", () -> engine.stats().walEntryCount() == 0);
    assertEquals(4, engine.showDisk().levels().get("L0").size());
    assertTrue(
        fs.ops(walDir().toString()).stream().anyMatch(op -> op.startsWith("delete ")),
        "a WAL segment was deleted");
    // The counter moves just after the install that awaitFlushed saw.
    await("4 flushes counted", () -> engine.stats().counters().flushes() == 4);
  }
}
