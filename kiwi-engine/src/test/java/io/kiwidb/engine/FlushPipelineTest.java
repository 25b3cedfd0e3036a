package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.memtable.FrozenMemTable;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WriteAheadLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/**
 * The flush pipeline alone: its memtable queue, compactor, table store and log are mocks, so what
 * it does in which order, and what it does when a collaborator fails, is visible.
 */
class FlushPipelineTest {
  private final MemTableSet memTables = mock(MemTableSet.class);
  private final Compactor compactor = mock(Compactor.class);
  private final TableStore tables = mock(TableStore.class);
  private final WriteAheadLog wal = mock(WriteAheadLog.class);
  private final BackgroundErrors errors = mock(BackgroundErrors.class);
  private final Counters counters = new Counters();
  private final WriteStall stall = mock(WriteStall.class);
  private final CompactionTrigger compactions = mock(CompactionTrigger.class);

  /** The queue the mock memtable set reports; the pipeline's removals shrink it. */
  private final List<FrozenMemTable> queue = new CopyOnWriteArrayList<>();

  private final Sequencer sequencer = new Sequencer(0);

  private final FlushPipeline pipeline =
      new FlushPipeline(
          memTables,
          compactor,
          tables,
          wal,
          sequencer,
          new SnapshotList(),
          errors,
          counters,
          stall,
          compactions);

  FlushPipelineTest() {
    when(memTables.immutables()).thenAnswer(i -> List.copyOf(queue));
    when(memTables.oldestImmutable())
        .thenAnswer(
            i ->
                queue.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(queue.get(0)));
    doAnswer(
            i -> {
              assertSame(queue.get(0), i.getArgument(0), "removed oldest first");
              queue.remove(0);
              return null;
            })
        .when(memTables)
        .removeFlushed(any());
  }

  @AfterEach
  void stop() {
    pipeline.stopAndDrain(Duration.ofSeconds(10));
  }

  private static FrozenMemTable frozen(long maxSeq) {
    FrozenMemTable m = mock(FrozenMemTable.class);
    when(m.maxSeq()).thenReturn(maxSeq);
    when(m.snapshotId()).thenReturn("snap-" + maxSeq);
    when(m.iterator()).thenReturn(mock(InternalIterator.class));
    return m;
  }

  private static TableMeta table(long number, long maxSeq) {
    return new TableMeta(number, 0, new byte[] {1}, new byte[] {2}, 100, 1, 0, 1, maxSeq);
  }

  @Test
  void aFrozenMemtableBecomesAnInstalledTableAndItsLogSegmentsGo() throws Exception {
    FrozenMemTable m = frozen(42);
    TableMeta t = table(7, 42);
    when(compactor.flush(any(), anyCollection())).thenReturn(t);
    queue.add(m);
    pipeline.start(1, Thread::new);
    pipeline.memTableFrozen(m);
    assertTrue(pipeline.awaitFlushed(m, Duration.ofSeconds(10)));
    // The memtable leaves the queue at the install; the log cleanup and wake-ups follow it.
    verify(compactions, timeout(10_000)).levelsChanged();
    InOrder order = inOrder(compactor, tables, memTables, wal, stall, compactions);
    order.verify(compactor).flush(any(), anyCollection());
    order.verify(tables).install(TableEdit.flush(t, 42));
    order.verify(memTables).removeFlushed(m);
    order.verify(wal).deleteSegmentsThrough(42);
    order.verify(stall).l0Changed();
    order.verify(compactions).levelsChanged();
    assertEquals(1, counters.flushes.sum());
    assertEquals(100, counters.bytesFlushed.sum());
  }

  /**
   * A table must never hold a write the log could still lose: whatever the sync mode or the writes'
   * options, the log is forced through the memtable's last logged record first.
   */
  @Test
  void theLogIsForcedThroughTheMemtableBeforeItsTableIsWritten() throws Exception {
    when(wal.lastSequence()).thenReturn(9L);
    FrozenMemTable m = frozen(5);
    doAnswer(
            i -> {
              assertEquals(5, sequencer.visible(), "a table never holds an unpublished write");
              return table(3, 5);
            })
        .when(compactor)
        .flush(any(), anyCollection());
    queue.add(m);
    pipeline.start(1, Thread::new);
    assertTrue(pipeline.awaitFlushed(m, Duration.ofSeconds(10)));
    InOrder order = inOrder(wal, compactor);
    order.verify(wal).syncThrough(5);
    order.verify(compactor).flush(any(), anyCollection());
  }

  /** A memtable whose last writes skipped the log: the force stops at the log's last record. */
  @Test
  void writesWithoutTheLogAreNotForcedThrough() throws Exception {
    when(wal.lastSequence()).thenReturn(3L);
    FrozenMemTable m = frozen(8);
    when(compactor.flush(any(), anyCollection())).thenReturn(table(4, 8));
    queue.add(m);
    pipeline.start(1, Thread::new);
    assertTrue(pipeline.awaitFlushed(m, Duration.ofSeconds(10)));
    verify(wal).syncThrough(3);
  }

  @Test
  void aFailedFlushSetsTheBackgroundErrorAndKeepsTheMemtable() throws Exception {
    FrozenMemTable m = frozen(9);
    IOException disk = new IOException("disk full");
    when(compactor.flush(any(), anyCollection())).thenThrow(disk);
    queue.add(m);
    pipeline.start(1, Thread::new);
    verify(errors, timeout(10_000)).set("flush", disk);
    verify(tables, never()).install(any());
    verify(memTables, never()).removeFlushed(any());
    assertEquals(List.of(m), queue, "its data stays in the log; a reopen flushes it again");
  }

  /**
   * Two workers flush two memtables in parallel; the newer one finishes first but is installed only
   * after the older one, or a read could meet the older memtable's stale version first.
   */
  @Test
  void tablesAreInstalledOldestMemtableFirstEvenWhenTheNewerFinishesFirst() throws Exception {
    FrozenMemTable older = frozen(10);
    FrozenMemTable newer = frozen(20);
    TableMeta olderTable = table(1, 10);
    TableMeta newerTable = table(2, 20);
    CountDownLatch newerWritten = new CountDownLatch(1);
    when(compactor.flush(eq(older.iterator()), anyCollection()))
        .thenAnswer(
            i -> {
              assertTrue(newerWritten.await(10, TimeUnit.SECONDS));
              return olderTable;
            });
    when(compactor.flush(eq(newer.iterator()), anyCollection()))
        .thenAnswer(
            i -> {
              newerWritten.countDown();
              return newerTable;
            });
    queue.add(older);
    queue.add(newer);
    pipeline.start(2, Thread::new);
    assertTrue(pipeline.awaitFlushed(newer, Duration.ofSeconds(10)));
    InOrder order = inOrder(tables);
    order.verify(tables).install(TableEdit.flush(olderTable, 10));
    order.verify(tables).install(TableEdit.flush(newerTable, 20));
    assertFalse(queue.contains(older));
  }

  @Test
  void awaitFlushedGivesUpOnABackgroundError() throws Exception {
    FrozenMemTable m = frozen(1);
    queue.add(m); // no worker runs: nothing will flush it
    when(errors.get()).thenReturn(new IOException("earlier failure"));
    assertFalse(pipeline.awaitFlushed(m, Duration.ofSeconds(10)));
    verify(compactor, never()).flush(any(), anyCollection());
    verify(wal, never()).deleteSegmentsThrough(anyLong());
  }

  /** flush(true): returns once the newest memtable queued at the call, and so every one, is in. */
  @Test
  void awaitAllQueuedFlushedWaitsForEveryMemtableQueuedAtTheCall() throws Exception {
    FrozenMemTable older = frozen(3);
    FrozenMemTable newer = frozen(6);
    when(compactor.flush(eq(older.iterator()), anyCollection())).thenReturn(table(1, 3));
    TableMeta newerTable = table(2, 6);
    when(compactor.flush(eq(newer.iterator()), anyCollection())).thenReturn(newerTable);
    queue.add(older);
    queue.add(newer);
    pipeline.start(1, Thread::new);
    pipeline.awaitAllQueuedFlushed("flush");
    assertEquals(List.of(), queue);
    verify(tables).install(TableEdit.flush(newerTable, 6));
  }

  @Test
  void awaitAllQueuedFlushedFailsWithTheBackgroundError() throws Exception {
    queue.add(frozen(1)); // no worker runs: nothing will flush it
    when(errors.get()).thenReturn(new IOException("earlier failure"));
    BackgroundErrorException refused = new BackgroundErrorException("flush", new IOException("x"));
    doThrow(refused).when(errors).check("flush");
    assertSame(
        refused,
        assertThrows(
            BackgroundErrorException.class, () -> pipeline.awaitAllQueuedFlushed("flush")));
  }

  @Test
  void awaitAllQueuedFlushedFailsWhenThePipelineStops() throws Exception {
    queue.add(frozen(1)); // no worker runs: nothing will flush it
    pipeline.stopAndDrain(Duration.ofMillis(1));
    EngineClosedException e =
        assertThrows(EngineClosedException.class, () -> pipeline.awaitAllQueuedFlushed("flush"));
    assertTrue(e.getMessage().contains("flush"), e.getMessage());
  }
}
