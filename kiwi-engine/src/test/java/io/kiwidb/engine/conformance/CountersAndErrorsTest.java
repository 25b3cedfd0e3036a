package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineCounters;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.TableSummary;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.engine.LsmEngine;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Beyond the reference page (issue #8): the counters in {@code stats()}, the background-error state
 * after a failed flush, and the async view's durability promise.
 */
class CountersAndErrorsTest extends EngineFixture {

  private EngineCounters counters() {
    return engine.stats().counters();
  }

  @Test
  @DisplayName("counters: writes count operations, reads count lookups")
  void writesAndReadsAreCounted() {
    open();
    engine.put(b("a"), b("1"));
    engine.delete(b("b"));
    engine.write(new WriteBatch().put(b("c"), b("3")).put(b("d"), b("4")));
    assertEquals(4, counters().writes());
    engine.get(b("a"));
    engine.get(b("zz"));
    assertEquals(2, counters().reads());
  }

  @Test
  @DisplayName("counters: block cache misses on the first read of a table block, hits after")
  void cacheHitsAndMissesMove() {
    open();
    engine.put(b("a"), b("1"));
    engine.flush();
    awaitFlushed(1);
    EngineCounters before = counters();
    engine.get(b("a"));
    EngineCounters first = counters();
    assertTrue(first.blockCacheMisses() > before.blockCacheMisses(), first.toString());
    engine.get(b("a"));
    EngineCounters second = counters();
    assertTrue(second.blockCacheHits() > first.blockCacheHits(), second.toString());
    assertEquals(first.blockCacheMisses(), second.blockCacheMisses());
  }

  @Test
  @DisplayName("counters: bytes flushed equal the L0 tables written; bytes compacted move")
  void bytesFlushedAndCompactedMove() {
    open(Map.of("l0_compaction_threshold", 10));
    for (int t = 0; t < 2; t++) {
      engine.put(b("a"), b("v" + t)); // overlapping tables: a real merge, not a move
      engine.put(b("z"), b("v" + t));
      engine.flush();
      awaitFlushed(t + 1);
    }
    long l0Bytes =
        engine.showDisk().levels().get("L0").stream().mapToLong(TableSummary::sizeBytes).sum();
    // Counters move just after the install the awaits above saw.
    await("the flushed bytes counted", () -> counters().bytesFlushed() == l0Bytes);
    assertEquals(0, counters().bytesCompacted());
    engine.updateConfig("l0_compaction_threshold", 2);
    await("the compaction", () -> engine.stats().l0SstableCount() == 0);
    // Into L1, or with dynamic level targets (the default) straight into the last level.
    long belowL0Bytes =
        engine.showDisk().levels().entrySet().stream()
            .filter(level -> !level.getKey().equals("L0"))
            .flatMap(level -> level.getValue().stream())
            .mapToLong(TableSummary::sizeBytes)
            .sum();
    await("the compaction counted", () -> counters().bytesCompacted() == belowL0Bytes);
    assertEquals(1, counters().compactions());
  }

  @Test
  @DisplayName("counters: stall time moves when L0 reaches l0_slowdown_writes_threshold")
  void stallTimeMovesOnAnL0Slowdown() {
    open(Map.of("l0_compaction_threshold", 10));
    for (int t = 0; t < 2; t++) {
      engine.put(b("a"), b("v" + t));
      engine.flush();
      awaitFlushed(t + 1);
    }
    fs.holdSyncs(ObservedFileSystem.under(sstDir())); // compaction cannot finish
    engine.updateConfig("l0_compaction_threshold", 2);
    engine.updateConfig("l0_slowdown_writes_threshold", 2);
    assertEquals(0, counters().stallNanos());
    engine.put(b("b"), b("1"));
    assertTrue(counters().stallNanos() >= 1_000_000L, "slowed by at least 1 ms");
  }

  @Test
  @DisplayName(
      "background error: after a failed flush every later write fails, naming the cause; reads"
          + " go on; reopen recovers")
  void aFailedFlushRefusesEveryLaterWrite() {
    open();
    engine.put(b("a"), b("1"));
    fs.failWrites(ObservedFileSystem.under(sstDir()));
    assertTrue(engine.flush());
    String errorLine = "Background error; writes are refused until reopen";
    await("the flush to fail", () -> logs.messages().contains(errorLine));
    assertTrue(engine.backgroundError().isPresent());
    assertEquals("flush", logs.kv(errorLine).get("job"));
    assertEquals(1, counters().backgroundErrors());
    List<Executable> writes =
        List.of(
            () -> engine.put(b("b"), b("2")),
            () -> engine.delete(b("a")),
            () -> engine.write(new WriteBatch().put(b("c"), b("3"))),
            () -> engine.flush());
    for (Executable w : writes) {
      BackgroundErrorException e = assertThrows(BackgroundErrorException.class, w);
      assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
    }
    ExecutionException async =
        assertThrows(
            ExecutionException.class,
            () -> engine.async().put(b("d"), b("4")).get(10, TimeUnit.SECONDS));
    assertInstanceOf(BackgroundErrorException.class, async.getCause());
    assertEquals("1", get("a"), "reads still work");
    engine.close();
    fs.failWrites(p -> false);
    engine = LsmEngine.open(fs, root, null);
    assertEquals("1", get("a"), "the unflushed memtable was kept in the WAL");
    engine.put(b("b"), b("2"));
    assertTrue(engine.flush(), "writes and flushes work again");
    awaitFlushed(1);
  }

  @Test
  @DisplayName(
      "background error: a writer already waiting for the flush pipeline when it fails is told"
          + " so (BackgroundErrorException, not a stall)")
  void aWaitingWriterLearnsOfTheBackgroundError() throws Exception {
    // backpressure_timeout stays at its 60 s default, so the writer can only finish within the
    // 30 s below by being woken; a short timeout made this depend on how fast a loaded machine
    // ran the failing flush (a writer that timed out first got a WriteStallException).
    open(Map.of("max_memtable_entries", 1, "immutable_queue_max_len", 1));
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1")); // frozen; its flush waits in a held sync
    engine.put(b("b"), b("2")); // the active memtable is full and the queue too
    CompletableFuture<Void> waiting = new CompletableFuture<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                engine.put(b("c"), b("3"));
                waiting.complete(null);
              } catch (Throwable t) {
                waiting.completeExceptionally(t);
              }
            },
            "waiting-writer");
    writer.setDaemon(true);
    writer.start();
    // Its only timed wait is the one for room in the immutable queue.
    await("the writer to wait for room", () -> writer.getState() == Thread.State.TIMED_WAITING);
    fs.failWrites(ObservedFileSystem.under(sstDir()));
    fs.releaseSyncs(); // the held flush now fails
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
    assertInstanceOf(BackgroundErrorException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("injected failure"), e.getCause().getMessage());
  }

  @Test
  @DisplayName("async: a write's future completes only once the WAL fsync is done (always mode)")
  void asyncFutureWaitsForTheFsync() throws Exception {
    open(Map.of("wal_sync_mode", "always"));
    fs.holdSyncs(ObservedFileSystem.under(walDir()));
    CompletableFuture<Void> put = engine.async().put(b("a"), b("1"));
    await("the WAL sync to be held", () -> fs.heldSyncs() == 1);
    Thread.sleep(50);
    assertFalse(put.isDone(), "not durable yet");
    fs.releaseSyncs();
    put.get(10, TimeUnit.SECONDS);
    assertTrue(fs.ops(walDir().toString()).stream().anyMatch(o -> o.startsWith("sync ")));
    assertEquals("1", s(engine.async().get(b("a")).get().orElseThrow()));
  }

  @Test
  @DisplayName("async: under wal_sync_mode=none (set live) a future completes without an fsync")
  void asyncFutureFollowsTheCurrentSyncMode() throws Exception {
    open(Map.of("wal_sync_mode", "always"));
    engine.updateConfig("wal_sync_mode", "none");
    fs.holdSyncs(ObservedFileSystem.under(walDir()));
    engine.async().put(b("a"), b("1")).get(10, TimeUnit.SECONDS);
    engine.async().delete(b("a")).get(10, TimeUnit.SECONDS);
    assertEquals(0, fs.heldSyncs());
    fs.releaseSyncs(); // flush() syncs the WAL segment it closes, in every mode
    assertTrue(engine.async().flush().get(10, TimeUnit.SECONDS));
  }

  @Test
  @DisplayName("async: a failed write completes its future exceptionally")
  void asyncFailureCompletesExceptionally() {
    open();
    fs.failWrites(ObservedFileSystem.under(walDir()));
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> engine.async().put(b("a"), b("1")).get(10, TimeUnit.SECONDS));
    assertInstanceOf(KiwiException.class, e.getCause());
  }
}
