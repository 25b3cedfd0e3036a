package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteStallException;
import io.kiwidb.memtable.FrozenMemTable;
import io.kiwidb.memtable.MemTableOptions;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.testkit.SortedMapMemTable;
import io.kiwidb.wal.SyncMode;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * The write path alone, on real threads: a real memtable set over the testkit's reference memtable,
 * and a mock log that records each append, so what a group is, how many writes and syncs it costs,
 * and the order of log, memtable and visibility can all be checked.
 */
class CommitPipelineTest {
  private final WriteAheadLog wal = mock(WriteAheadLog.class);
  private final TableStore tables = mock(TableStore.class);
  private final FlushTrigger flushes = mock(FlushTrigger.class);
  private final WriteStall stall = mock(WriteStall.class);
  private final Counters counters = new Counters();
  private final Sequencer sequencer = new Sequencer(0);
  private final WalSyncPolicy sync = new WalSyncPolicy(SyncMode.ALWAYS);
  private final ExecutorService pool = Executors.newCachedThreadPool();

  /** What the mock log was given: one entry per append, as (first seq, batch count). */
  private final List<long[]> appends = new CopyOnWriteArrayList<>();

  private MemTableSet memTables = memTables(MemTableOptions.defaults());
  private BackgroundErrors errors = new BackgroundErrors(memTables, counters);
  private CommitPipeline pipeline = pipeline();

  private static MemTableSet memTables(MemTableOptions o) {
    return MemTableSet.create(SortedMapMemTable.factory("sorted-map"), o);
  }

  private CommitPipeline pipeline() {
    return new CommitPipeline(
        wal, memTables, tables, sequencer, stall, errors, counters, flushes, sync);
  }

  CommitPipelineTest() {
    doAnswer(
            i -> {
              List<WalBatch> batches = i.getArgument(1);
              appends.add(new long[] {i.getArgument(0), batches.size()});
              return null;
            })
        .when(wal)
        .append(anyLong(), any());
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private static List<WriteBatch.Operation> put(String key, String value) {
    return List.of(
        new WriteBatch.Operation(
            false, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
  }

  private String read(String key) {
    var e = memTables.get(key.getBytes(StandardCharsets.UTF_8), sequencer.visible());
    return e == null ? null : new String(e.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aLoneWriteIsLoggedSyncedAppliedThenVisible() {
    InOrder order = inOrder(stall, wal);
    pipeline.write(put("k", "v"), "put");
    order.verify(stall).beforeWrite("put");
    order.verify(wal).append(org.mockito.ArgumentMatchers.eq(1L), appendsOf(1));
    order.verify(wal).sync();
    assertEquals(1, sequencer.visible());
    assertEquals("v", read("k"));
    assertEquals(1, counters.writes.sum());
    assertEquals(2, counters.bytesWritten.sum());
  }

  private static List<WalBatch> appendsOf(int n) {
    return org.mockito.ArgumentMatchers.argThat(l -> l != null && l.size() == n);
  }

  @Test
  void withoutPerWriteSyncsNothingIsSynced() {
    sync.set(SyncMode.NONE);
    pipeline.write(put("a", "1"), "put");
    pipeline.write(put("b", "2"), "put");
    verify(wal, times(2)).append(anyLong(), any());
    verify(wal, never()).sync();
    assertEquals(2, sequencer.visible());
  }

  /**
   * While the leader's fsync is in flight, the writers that arrive queue up; the next leader takes
   * them all as one group: one append and one sync for the lot, sequences in queue order.
   */
  @Test
  void writersQueuedDuringAnFsyncShareTheNextWriteAndSync() throws Exception {
    CountDownLatch inFirstSync = new CountDownLatch(1);
    CountDownLatch releaseSync = new CountDownLatch(1);
    int[] syncs = {0};
    doAnswer(
            i -> {
              if (syncs[0]++ == 0) {
                inFirstSync.countDown();
                assertTrue(releaseSync.await(10, TimeUnit.SECONDS));
              }
              return null;
            })
        .when(wal)
        .sync();
    Future<?> first = pool.submit(() -> pipeline.write(put("first", "1"), "put"));
    assertTrue(inFirstSync.await(10, TimeUnit.SECONDS));
    List<Future<?>> queued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String k = "k" + i;
      queued.add(pool.submit(() -> pipeline.write(put(k, "v"), "put")));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queuedWriters() < 8) {
      assertTrue(System.nanoTime() < deadline, "writers did not queue");
      Thread.sleep(1);
    }
    releaseSync.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (Future<?> f : queued) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(2, appends.size(), "one append for the first writer, one for the eight");
    assertEquals(8, appends.get(1)[1]);
    assertEquals(2, appends.get(1)[0]);
    assertEquals(2, syncs[0], "one fsync per group");
    assertEquals(9, sequencer.visible());
    for (int i = 0; i < 8; i++) {
      assertEquals("v", read("k" + i));
    }
  }

  /** Writers parked behind the leader (counted through the queue's size, from the outside). */
  private int queuedWriters() {
    int parked = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getState() == Thread.State.WAITING
          && java.util.Arrays.stream(t.getStackTrace())
              .anyMatch(
                  f ->
                      f.getMethodName().equals("submit")
                          && f.getClassName().equals(CommitPipeline.class.getName()))) {
        parked++;
      }
    }
    return parked;
  }

  @Test
  void aFullMemtableFreezesAfterItsGroupAndTheLogRollsBeforeTheNextWrite() {
    memTables = memTables(new MemTableOptions(64 << 20, 2, 4, Duration.ofSeconds(1)));
    errors = new BackgroundErrors(memTables, counters);
    pipeline = pipeline();
    pipeline.write(put("a", "1"), "put");
    verify(wal, never()).roll();
    pipeline.write(put("b", "2"), "put");
    InOrder order = inOrder(wal, flushes);
    order.verify(wal).roll();
    order.verify(wal).deleteSegmentsThrough(anyLong());
    order.verify(flushes).memTableFrozen(any(FrozenMemTable.class));
    assertEquals(1, memTables.queueLength());
    pipeline.write(put("c", "3"), "put");
    assertEquals(1, memTables.activeSummary().entryCount(), "c starts the new memtable");
  }

  @Test
  void aManualFreezeIsOrderedWithWritesAndRollsTheLog() {
    assertTrue(pipeline.freeze().isEmpty(), "an empty memtable is not frozen");
    verify(wal, never()).roll();
    pipeline.write(put("a", "1"), "put");
    FrozenMemTable f = pipeline.freeze().orElseThrow();
    assertEquals(1, f.maxSeq());
    verify(wal).roll();
    verify(flushes).memTableFrozen(f);
  }

  @Test
  void aFailedLogWriteFailsItsGroupAndStopsLaterWrites() {
    KiwiIOException full = new KiwiIOException("write", new java.io.IOException("No space"));
    doThrow(full).when(wal).append(anyLong(), any());
    assertSame(
        full, assertThrows(KiwiIOException.class, () -> pipeline.write(put("a", "1"), "put")));
    assertEquals(0, sequencer.visible(), "nothing became visible");
    assertEquals(null, read("a"));
    BackgroundErrorException later =
        assertThrows(BackgroundErrorException.class, () -> pipeline.write(put("b", "2"), "put"));
    assertSame(full, later.getCause());
    assertEquals(1, counters.backgroundErrors.sum());
  }

  @Test
  void aFailedSyncIsNotAcknowledgedAndNothingBecomesVisible() {
    KiwiIOException failed = new KiwiIOException("sync", new java.io.IOException("EIO"));
    doThrow(failed).when(wal).sync();
    assertSame(
        failed, assertThrows(KiwiIOException.class, () -> pipeline.write(put("a", "1"), "put")));
    assertEquals(0, sequencer.visible());
    assertEquals(null, read("a"));
  }

  @Test
  void aStalledWriteTimesOutHavingChangedNothing() {
    memTables = memTables(new MemTableOptions(64 << 20, 1, 1, Duration.ofMillis(100)));
    errors = new BackgroundErrors(memTables, counters);
    pipeline = pipeline();
    pipeline.write(put("a", "1"), "put"); // frozen: the queue is full
    pipeline.write(put("b", "2"), "put"); // full, stays active: no room for the next
    appends.clear();
    assertThrows(WriteStallException.class, () -> pipeline.write(put("c", "3"), "put"));
    assertEquals(List.of(), appends, "the stalled write never reached the log");
    assertEquals(2, sequencer.visible());
    assertTrue(counters.stallNanos.sum() >= TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void afterCloseWritesFailAndQueuedOnesFinishFirst() {
    pipeline.write(put("a", "1"), "put");
    pipeline.close();
    EngineClosedException e =
        assertThrows(EngineClosedException.class, () -> pipeline.write(put("b", "2"), "put"));
    assertTrue(e.getMessage().contains("put"), e.getMessage());
    verify(stall, times(2)).beforeWrite(anyString());
  }
}
