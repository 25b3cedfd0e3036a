package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
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
import io.kiwidb.api.WriteOptions;
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
  void aLoneWriteIsLoggedAppliedAndVisibleThenSyncedThroughItsGroup() {
    InOrder order = inOrder(stall, wal);
    doAnswer(
            i -> {
              assertEquals(0, sequencer.visible(), "durability before visibility");
              assertEquals(null, read("k"), "in the memtable, but not visible yet");
              return null;
            })
        .when(wal)
        .syncThrough(anyLong());
    pipeline.write(put("k", "v"), WriteOptions.DEFAULTS, "put");
    order.verify(stall).beforeWrite("put");
    order.verify(wal).append(eq(1L), appendsOf(1));
    order.verify(wal).syncThrough(1);
    verify(wal, never()).sync();
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
    pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put");
    pipeline.write(put("b", "2"), WriteOptions.DEFAULTS, "put");
    verify(wal, times(2)).append(anyLong(), any());
    verify(wal, never()).syncThrough(anyLong());
    assertEquals(2, sequencer.visible());
  }

  /** Each write's own option wins over {@code wal_sync_mode}, in both directions. */
  @Test
  void perWriteSyncOverridesTheStoreDefault() {
    sync.set(SyncMode.NONE);
    pipeline.write(put("a", "1"), WriteOptions.SYNC, "put");
    verify(wal).syncThrough(1);
    sync.set(SyncMode.ALWAYS);
    pipeline.write(put("b", "2"), WriteOptions.NO_SYNC, "put");
    verify(wal, never()).syncThrough(2);
    assertEquals(2, appends.size());
  }

  /**
   * The point of moving the fsync out of the leader: while a synced writer waits for its fsync, an
   * unsynced writer is committed, visible and acknowledged.
   */
  @Test
  void anUnsyncedWriteNeverWaitsForASyncedWritesFsync() throws Exception {
    CountDownLatch inSync = new CountDownLatch(1);
    CountDownLatch releaseSync = new CountDownLatch(1);
    doAnswer(
            i -> {
              inSync.countDown();
              assertTrue(releaseSync.await(10, TimeUnit.SECONDS));
              return null;
            })
        .when(wal)
        .syncThrough(1);
    Future<?> synced =
        pool.submit(() -> pipeline.write(put("durable", "1"), WriteOptions.SYNC, "put"));
    assertTrue(inSync.await(10, TimeUnit.SECONDS));
    pipeline.write(put("fast", "2"), WriteOptions.NO_SYNC, "put"); // returns while the fsync runs
    assertEquals("2", read("fast"));
    assertEquals(2, sequencer.visible());
    assertTrue(!synced.isDone(), "the synced write is still waiting for its fsync");
    releaseSync.countDown();
    synced.get(10, TimeUnit.SECONDS);
    verify(wal, never()).syncThrough(2);
  }

  /**
   * While the leader's append is in flight, the writers that arrive queue up; the next leader takes
   * them all as one group: one append for the lot, sequences in queue order, and each member then
   * waits for durability through the group's last sequence number (which the log turns into one
   * shared force).
   */
  @Test
  void writersQueuedDuringAnAppendShareTheNextAppend() throws Exception {
    CountDownLatch inFirstAppend = new CountDownLatch(1);
    CountDownLatch releaseAppend = new CountDownLatch(1);
    holdFirstAppend(inFirstAppend, releaseAppend);
    Future<?> first =
        pool.submit(() -> pipeline.write(put("first", "1"), WriteOptions.DEFAULTS, "put"));
    assertTrue(inFirstAppend.await(10, TimeUnit.SECONDS));
    List<Future<?>> queued = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String k = "k" + i;
      queued.add(pool.submit(() -> pipeline.write(put(k, "v"), WriteOptions.DEFAULTS, "put")));
    }
    awaitQueued(8);
    releaseAppend.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (Future<?> f : queued) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(2, appends.size(), "one append for the first writer, one for the eight");
    assertEquals(8, appends.get(1)[1]);
    assertEquals(2, appends.get(1)[0]);
    verify(wal).syncThrough(1);
    verify(wal, times(8)).syncThrough(9);
    assertEquals(9, sequencer.visible());
    for (int i = 0; i < 8; i++) {
      assertEquals("v", read("k" + i));
    }
  }

  /**
   * Writes without the log form their own groups: the log sees only the logged ones, and the
   * sequence numbers the others took reach it as a gap (which it records as a skip record).
   */
  @Test
  void writesWithoutTheLogAreGroupedApartAndNeverAppended() throws Exception {
    CountDownLatch inFirstAppend = new CountDownLatch(1);
    CountDownLatch releaseAppend = new CountDownLatch(1);
    holdFirstAppend(inFirstAppend, releaseAppend);
    sync.set(SyncMode.NONE);
    List<Future<?>> writes = new ArrayList<>();
    writes.add(pool.submit(() -> pipeline.write(put("l0", "v"), WriteOptions.DEFAULTS, "put")));
    assertTrue(inFirstAppend.await(10, TimeUnit.SECONDS));
    // Queue, in this order: logged, logged, unlogged, unlogged, logged.
    WriteOptions[] kinds = {
      WriteOptions.DEFAULTS,
      WriteOptions.DEFAULTS,
      WriteOptions.NO_WAL,
      WriteOptions.NO_WAL,
      WriteOptions.DEFAULTS
    };
    for (int i = 0; i < kinds.length; i++) {
      WriteOptions o = kinds[i];
      String k = "q" + i;
      writes.add(pool.submit(() -> pipeline.write(put(k, "v"), o, "put")));
      awaitQueued(i + 1);
    }
    releaseAppend.countDown();
    for (Future<?> f : writes) {
      f.get(10, TimeUnit.SECONDS);
    }
    List<String> seen = new ArrayList<>();
    for (long[] a : appends) {
      seen.add(a[0] + "x" + a[1]);
    }
    assertEquals(List.of("1x1", "2x2", "6x1"), seen, "sequences 4 and 5 never reach the log");
    assertEquals(5, pipeline.lastUnloggedSequence());
    assertEquals(6, sequencer.visible());
    assertEquals("v", read("q2"));
  }

  /**
   * Records appends as the constructor's stub does, and holds the first one: {@code entered} opens
   * when it starts, and it returns once {@code release} opens.
   */
  private void holdFirstAppend(CountDownLatch entered, CountDownLatch release) {
    doAnswer(
            i -> {
              List<WalBatch> batches = i.getArgument(1);
              appends.add(new long[] {i.getArgument(0), batches.size()});
              if (appends.size() == 1) {
                entered.countDown();
                assertTrue(release.await(10, TimeUnit.SECONDS));
              }
              return null;
            })
        .when(wal)
        .append(anyLong(), any());
  }

  private void awaitQueued(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queuedWriters() < n) {
      assertTrue(System.nanoTime() < deadline, "writers did not queue");
      Thread.sleep(1);
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
    pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put");
    verify(wal, never()).roll();
    pipeline.write(put("b", "2"), WriteOptions.DEFAULTS, "put");
    InOrder order = inOrder(wal, flushes);
    order.verify(wal).roll();
    order.verify(wal).deleteSegmentsThrough(anyLong());
    order.verify(flushes).memTableFrozen(any(FrozenMemTable.class));
    assertEquals(1, memTables.queueLength());
    pipeline.write(put("c", "3"), WriteOptions.DEFAULTS, "put");
    assertEquals(1, memTables.activeSummary().entryCount(), "c starts the new memtable");
  }

  @Test
  void aManualFreezeIsOrderedWithWritesAndRollsTheLog() {
    assertTrue(pipeline.freeze().isEmpty(), "an empty memtable is not frozen");
    verify(wal, never()).roll();
    pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put");
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
        full,
        assertThrows(
            KiwiIOException.class,
            () -> pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put")));
    assertEquals(0, sequencer.visible(), "nothing became visible");
    assertEquals(null, read("a"));
    BackgroundErrorException later =
        assertThrows(
            BackgroundErrorException.class,
            () -> pipeline.write(put("b", "2"), WriteOptions.DEFAULTS, "put"));
    assertSame(full, later.getCause());
    assertEquals(1, counters.backgroundErrors.sum());
  }

  /**
   * A failed fsync: the write is not acknowledged (it was visible meanwhile, as an unsynced write
   * is), and the engine refuses every later write, as after a failed append.
   */
  @Test
  void aFailedSyncIsNotAcknowledgedAndStopsLaterWrites() {
    KiwiIOException failed = new KiwiIOException("sync", new java.io.IOException("EIO"));
    doThrow(failed).when(wal).syncThrough(anyLong());
    assertSame(
        failed,
        assertThrows(
            KiwiIOException.class,
            () -> pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put")));
    BackgroundErrorException later =
        assertThrows(
            BackgroundErrorException.class,
            () -> pipeline.write(put("b", "2"), WriteOptions.NO_SYNC, "put"));
    assertSame(failed, later.getCause());
  }

  @Test
  void aStalledWriteTimesOutHavingChangedNothing() {
    memTables = memTables(new MemTableOptions(64 << 20, 1, 1, Duration.ofMillis(100)));
    errors = new BackgroundErrors(memTables, counters);
    pipeline = pipeline();
    pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put"); // frozen: the queue is full
    pipeline.write(
        put("b", "2"), WriteOptions.DEFAULTS, "put"); // full, stays active: no room for the next
    appends.clear();
    assertThrows(
        WriteStallException.class,
        () -> pipeline.write(put("c", "3"), WriteOptions.DEFAULTS, "put"));
    assertEquals(List.of(), appends, "the stalled write never reached the log");
    assertEquals(2, sequencer.visible());
    assertTrue(counters.stallNanos.sum() >= TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void afterCloseWritesFailAndQueuedOnesFinishFirst() {
    pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put");
    assertTrue(pipeline.close(0).isEmpty(), "every write is in the log: nothing to freeze");
    EngineClosedException e =
        assertThrows(
            EngineClosedException.class,
            () -> pipeline.write(put("b", "2"), WriteOptions.DEFAULTS, "put"));
    assertTrue(e.getMessage().contains("put"), e.getMessage());
    verify(stall, times(2)).beforeWrite(anyString());
  }

  /** Writes without the log are in no log a reopen replays: close freezes them for the flush. */
  @Test
  void closeFreezesWritesMadeWithoutTheLogUnlessTablesHoldThem() {
    pipeline.write(put("a", "1"), WriteOptions.DEFAULTS, "put");
    pipeline.write(put("b", "2"), WriteOptions.NO_WAL, "put");
    FrozenMemTable frozen = pipeline.close(1).orElseThrow();
    assertEquals(2, frozen.maxSeq());
    verify(wal).roll();
    verify(flushes).memTableFrozen(frozen);
  }

  @Test
  void closeFreezesNothingWhenTablesHoldTheUnloggedWrites() {
    pipeline.write(put("b", "2"), WriteOptions.NO_WAL, "put");
    assertTrue(pipeline.close(1).isEmpty());
    verify(wal, never()).roll();
  }
}
