package io.kiwidb.memtable;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteStallException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.SortedMapMemTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The memtable set: freezing, the flush queue, back-pressure with real threads, show views. */
class MemTableSetTest {
  private static final MemTableFactory MEMTABLES = SortedMapMemTable.factory("sorted-map");
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final AtomicLong seq = new AtomicLong();

  @AfterEach
  void stopThreads() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  private static MemTableOptions options(long entries, int queue, Duration timeout) {
    return new MemTableOptions(64 * MemTableOptions.MIB, entries, queue, timeout);
  }

  /** Stands in for the engine's commit leader: one writer at a time. */
  private final Object leader = new Object();

  /** Every memtable the write side froze, in order. */
  private final List<FrozenMemTable> frozenByWrites =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The engine's write path, as documented on {@link MemTableSet}: room, sequence, apply. */
  private long write(MemTableSet mems, String key, String value) {
    synchronized (leader) {
      mems.awaitRoom(() -> {}).ifPresent(frozenByWrites::add);
      long s = seq.incrementAndGet();
      WriteBatch.Operation op =
          new WriteBatch.Operation(
              value == null, Bytes.utf8(key), value == null ? null : Bytes.utf8(value));
      mems.apply(List.of(new SequencedBatch(s, List.of(op)))).ifPresent(frozenByWrites::add);
      return s;
    }
  }

  private Optional<FrozenMemTable> forceFreeze(MemTableSet mems) {
    synchronized (leader) {
      return mems.forceFreeze();
    }
  }

  private static void setOptions(
      MemTableSet mems, java.util.function.UnaryOperator<MemTableOptions> change) {
    mems.setOptions(change.apply(mems.options()));
  }

  @Test
  void freezesAtTheEntryThreshold() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(3, 10, Duration.ofSeconds(1)));
    String firstActive = mems.activeSummary().tableId();
    write(mems, "a", "1");
    write(mems, "b", "2");
    assertEquals(0, mems.queueLength());
    write(mems, "c", "3");
    assertEquals(1, mems.queueLength(), "third entry reaches max_memtable_entries=3");
    FrozenMemTable f = mems.oldestImmutable().orElseThrow();
    assertEquals(List.of(f), frozenByWrites, "apply returned the memtable it froze");
    assertEquals(firstActive, f.tableId());
    assertNotEquals(firstActive, mems.activeSummary().tableId(), "a new active table id");
    assertEquals(3, f.entryCount());
    assertEquals(1, f.minSeq());
    assertEquals(3, f.maxSeq());
    assertEquals(0, mems.activeSummary().entryCount());
    assertTrue(f.snapshotId().matches("[0-9a-f]{32}"), f.snapshotId());
    assertTrue(f.tableId().matches("[0-9a-f]{32}"), f.tableId());
  }

  @Test
  void freezesAtTheSizeThreshold() {
    MemTableSet mems =
        MemTableSet.create(
            MEMTABLES, new MemTableOptions(4096, 1_000_000, 10, Duration.ofSeconds(1)));
    int writes = 0;
    while (mems.queueLength() == 0) {
      write(mems, "key" + writes, "x".repeat(100));
      writes++;
      assertTrue(writes < 100, "never froze");
    }
    FrozenMemTable f = mems.oldestImmutable().orElseThrow();
    assertTrue(f.sizeBytes() >= 4096, "froze at " + f.sizeBytes());
    assertEquals(writes, f.entryCount());
    assertTrue(writes > 10, "froze too early, after " + writes);
  }

  @Test
  void forceFreezeDoesNothingOnAnEmptyActiveTable() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(100, 2, Duration.ZERO));
    assertTrue(forceFreeze(mems).isEmpty());
    write(mems, "a", "1");
    FrozenMemTable f = forceFreeze(mems).orElseThrow();
    assertEquals(1, f.entryCount());
    assertTrue(forceFreeze(mems).isEmpty(), "the new active table is empty again");
    assertEquals(1, mems.queueLength());
  }

  /**
   * A full active memtable that could not freeze (the queue was full) is frozen by the next
   * writer's {@code awaitRoom} once the queue has room, and returned to that writer.
   */
  @Test
  void awaitRoomFreezesTheFullActiveTableOnceTheQueueHasRoom() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(1, 1, Duration.ofSeconds(1)));
    write(mems, "a", "1"); // frozen by apply: queue 1/1
    write(mems, "b", "2"); // full, but the queue is full: stays active
    assertEquals(1, frozenByWrites.size());
    mems.removeFlushed(mems.oldestImmutable().orElseThrow());
    FrozenMemTable b = mems.awaitRoom(() -> {}).orElseThrow();
    assertEquals(2, b.minSeq());
    assertEquals(List.of(b), mems.immutables());
    assertTrue(mems.awaitRoom(() -> {}).isEmpty(), "the new active table has room");
  }

  @Test
  void getLooksInTheActiveTableThenImmutablesNewestFirst() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(100, 10, Duration.ZERO));
    long s1 = write(mems, "k", "old");
    write(mems, "other", "x");
    forceFreeze(mems);
    long s2 = write(mems, "k", "newer");
    forceFreeze(mems);
    long s3 = write(mems, "k", null);
    assertEquals(2, mems.queueLength());
    assertEquals(InternalEntry.delete(Bytes.utf8("k"), s3), mems.get(Bytes.utf8("k"), s3));
    assertEquals(
        InternalEntry.put(Bytes.utf8("k"), s2, Bytes.utf8("newer")),
        mems.get(Bytes.utf8("k"), s3 - 1),
        "at an older snapshot, the newest immutable answers");
    assertEquals(
        InternalEntry.put(Bytes.utf8("k"), s1, Bytes.utf8("old")), mems.get(Bytes.utf8("k"), s1));
    assertNull(mems.get(Bytes.utf8("k"), s1 - 1));
    assertNull(mems.get(Bytes.utf8("absent"), KeyOrder.MAX_SEQUENCE));
    List<InternalIterator> its = mems.newIterators();
    assertEquals(3, its.size(), "active + 2 immutables");
    InternalIterator active = its.get(0);
    active.seekToFirst();
    assertEquals(s3, active.seq(), "active first");
    InternalIterator newestFrozen = its.get(1);
    newestFrozen.seekToFirst();
    assertEquals(s2, newestFrozen.seq(), "then the newest immutable");
  }

  @Test
  void removeFlushedOnlyAcceptsTheOldestImmutable() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(1, 10, Duration.ZERO));
    write(mems, "a", "1");
    write(mems, "b", "2");
    List<FrozenMemTable> q = mems.immutables();
    assertEquals(2, q.size());
    assertThrows(IllegalStateException.class, () -> mems.removeFlushed(q.get(1)));
    mems.removeFlushed(q.get(0));
    assertEquals(List.of(q.get(1)), mems.immutables());
    assertThrows(IllegalStateException.class, () -> mems.removeFlushed(q.get(0)));
    mems.removeFlushed(q.get(1));
    assertTrue(mems.oldestImmutable().isEmpty());
  }

  /**
   * With a full queue and a full active table, a writer blocks before it takes a sequence number;
   * when the flush pipeline removes the oldest memtable the writer proceeds and its write lands.
   */
  @Test
  void writerWaitsForAFlushThenProceeds() throws Exception {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(1, 1, Duration.ofSeconds(30)));
    write(mems, "a", "1"); // frozen: queue 1/1
    write(mems, "b", "2"); // active full, queue full: stays active
    assertEquals(1, mems.queueLength());
    assertEquals(1, mems.activeSummary().entryCount());
    CountDownLatch started = new CountDownLatch(1);
    Future<Long> blocked =
        pool.submit(
            () -> {
              started.countDown();
              return write(mems, "c", "3");
            });
    started.await();
    assertThrows(TimeoutException.class, () -> blocked.get(300, TimeUnit.MILLISECONDS));
    assertEquals(2, seq.get(), "the blocked writer has not taken a sequence number");
    // Readers and the flush pipeline are not blocked by the waiting writer.
    assertEquals(
        InternalEntry.put(Bytes.utf8("b"), 2, Bytes.utf8("2")),
        mems.get(Bytes.utf8("b"), KeyOrder.MAX_SEQUENCE));
    FrozenMemTable oldest = mems.oldestImmutable().orElseThrow();
    mems.removeFlushed(oldest);
    long s = blocked.get(10, TimeUnit.SECONDS);
    assertEquals(3, s);
    assertEquals(
        InternalEntry.put(Bytes.utf8("c"), 3, Bytes.utf8("3")),
        mems.get(Bytes.utf8("c"), KeyOrder.MAX_SEQUENCE));
    assertEquals(1, mems.queueLength(), "b's table was frozen to make room");
    assertEquals(1, mems.activeSummary().entryCount());
  }

  @Test
  void writerFailsWithWriteStallAfterTheTimeoutAndNothingIsLost() throws Exception {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(1, 1, Duration.ofMillis(200)));
    write(mems, "a", "1");
    write(mems, "b", "2");
    long before = System.nanoTime();
    Future<Long> stalled = pool.submit(() -> write(mems, "c", "3"));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> stalled.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof WriteStallException, String.valueOf(e.getCause()));
    assertTrue(
        e.getCause().getMessage().contains("immutable_queue_max_len=1"), e.getCause().getMessage());
    assertTrue(
        System.nanoTime() - before >= TimeUnit.MILLISECONDS.toNanos(200), "waited the timeout");
    assertEquals(2, seq.get(), "the stalled write took no sequence number");
    assertNull(mems.get(Bytes.utf8("c"), KeyOrder.MAX_SEQUENCE), "and was not applied");
    assertEquals(
        Bytes.toDisplay(Bytes.utf8("1")),
        Bytes.toDisplay(mems.get(Bytes.utf8("a"), KeyOrder.MAX_SEQUENCE).value()),
        "earlier writes are kept");
    assertEquals("2", new String(mems.get(Bytes.utf8("b"), KeyOrder.MAX_SEQUENCE).value(), UTF_8));
    // After a flush the same write succeeds.
    mems.removeFlushed(mems.oldestImmutable().orElseThrow());
    assertEquals(3, write(mems, "c", "3"));
  }

  @Test
  void severalBlockedWritersAllProceedAfterFlushes() throws Exception {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(1, 1, Duration.ofSeconds(30)));
    write(mems, "a", "1");
    write(mems, "b", "2");
    List<Future<Long>> writers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String key = "w" + i;
      writers.add(pool.submit(() -> write(mems, key, "v")));
    }
    // A flush pipeline that keeps removing the oldest memtable until every writer is done.
    CompletableFuture<Void> flusher =
        CompletableFuture.runAsync(
            () -> {
              while (!writers.stream().allMatch(Future::isDone)) {
                mems.oldestImmutable().ifPresent(mems::removeFlushed);
                Thread.onSpinWait();
              }
            },
            pool);
    java.util.Set<Long> seqs = new java.util.TreeSet<>();
    for (Future<Long> w : writers) {
      seqs.add(w.get(10, TimeUnit.SECONDS));
    }
    flusher.get(10, TimeUnit.SECONDS);
    assertEquals(java.util.Set.of(3L, 4L, 5L), seqs, "each writer got its own sequence");
    assertEquals(5, seq.get());
  }

  @Test
  void raisingTheQueueLimitReleasesAWaitingWriter() throws Exception {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(1, 1, Duration.ofSeconds(30)));
    write(mems, "a", "1");
    write(mems, "b", "2");
    Future<Long> blocked = pool.submit(() -> write(mems, "c", "3"));
    assertThrows(TimeoutException.class, () -> blocked.get(200, TimeUnit.MILLISECONDS));
    setOptions(mems, o -> o.withImmutableQueueMaxLen(2));
    assertEquals(3, blocked.get(10, TimeUnit.SECONDS));
    assertEquals(2, mems.queueLength());
  }

  @Test
  void optionsValidateAndNameTheConfigKey() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, MemTableOptions.defaults());
    MemTableOptions o = mems.options();
    assertEquals(64 * MemTableOptions.MIB, o.maxMemtableSizeBytes());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.withMaxMemtableEntries(0));
    assertTrue(e.getMessage().contains("max_memtable_entries"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> o.withImmutableQueueMaxLen(0));
    assertTrue(e.getMessage().contains("immutable_queue_max_len"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> o.withMaxMemtableSizeMb(-1));
    assertTrue(e.getMessage().contains("max_memtable_size_mb"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> o.withBackpressureTimeout(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("backpressure_timeout"), e.getMessage());
    assertEquals(MemTableOptions.defaults(), mems.options(), "nothing changed");
    setOptions(
        mems,
        x ->
            x.withMaxMemtableSizeMb(2)
                .withMaxMemtableEntries(5)
                .withBackpressureTimeout(Duration.ofMillis(5)));
    assertEquals(
        new MemTableOptions(2 * MemTableOptions.MIB, 5, 4, Duration.ofMillis(5)), mems.options());
  }

  @Test
  void loweringTheEntryThresholdFreezesBeforeTheNextWrite() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(100, 4, Duration.ZERO));
    write(mems, "a", "1");
    write(mems, "b", "2");
    assertEquals(0, mems.queueLength());
    setOptions(mems, o -> o.withMaxMemtableEntries(2));
    write(mems, "c", "3");
    assertEquals(1, mems.queueLength());
    assertEquals(2, mems.oldestImmutable().orElseThrow().entryCount(), "a and b, already full");
    assertEquals(1, mems.activeSummary().entryCount(), "c went to the new active table");
  }

  @Test
  void listingShowsTheActiveTableAndTheQueueOldestFirst() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(100, 4, Duration.ZERO));
    long created = System.currentTimeMillis();
    write(mems, "a", "1");
    write(mems, "b", "2");
    FrozenMemTable first = forceFreeze(mems).orElseThrow();
    write(mems, "c", "3");
    FrozenMemTable second = forceFreeze(mems).orElseThrow();
    write(mems, "d", null);
    MemListing listing = mems.listing();
    MemTableSummary active = listing.active();
    assertNull(active.snapshotId());
    assertEquals(1, active.entryCount());
    assertEquals(4, active.minSeq());
    assertEquals(4, active.maxSeq());
    assertTrue(active.sizeBytes() > 0);
    assertTrue(active.createdAtMillis() >= created - 1000);
    assertEquals(List.of(first.summary(), second.summary()), listing.immutable());
    assertEquals(
        new MemTableSummary(
            first.tableId(),
            first.snapshotId(),
            2,
            first.sizeBytes(),
            1,
            2,
            first.createdAtMillis()),
        listing.immutable().get(0));
    assertEquals(listing.immutable(), mems.immutableSummaries());
    assertEquals(active.tableId(), mems.activeSummary().tableId());
  }

  @Test
  void detailListsEntriesOfTheActiveOrAFrozenTable() {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(100, 4, Duration.ZERO));
    write(mems, "b", "2");
    write(mems, "a", "1");
    write(mems, "a", null);
    FrozenMemTable frozen = forceFreeze(mems).orElseThrow();
    write(mems, "z", "26");
    MemTableDetail d = mems.detail(frozen.snapshotId(), Integer.MAX_VALUE).orElseThrow();
    assertEquals("immutable", d.type());
    assertEquals(frozen.tableId(), d.tableId());
    assertEquals(frozen.snapshotId(), d.snapshotId());
    assertEquals(3, d.entries().size());
    EntryView tomb = d.entries().get(0);
    assertArrayEquals(Bytes.utf8("a"), tomb.key());
    assertEquals(3, tomb.seq());
    assertEquals(EntryKind.DELETE, tomb.op());
    assertNull(tomb.value());
    assertEquals(2, d.entries().get(1).seq());
    assertArrayEquals(Bytes.utf8("1"), d.entries().get(1).value());
    assertArrayEquals(Bytes.utf8("b"), d.entries().get(2).key());
    assertEquals(
        d.tableId(), mems.detail(frozen.tableId(), Integer.MAX_VALUE).orElseThrow().tableId());

    String activeId = mems.activeSummary().tableId();
    MemTableDetail a = mems.detail(activeId, Integer.MAX_VALUE).orElseThrow();
    assertEquals("active", a.type());
    assertNull(a.snapshotId());
    assertEquals(1, a.entries().size());
    assertEquals(EntryKind.PUT, a.entries().get(0).op());

    assertEquals(2, mems.detail(frozen.snapshotId(), 2).orElseThrow().entries().size());
    assertTrue(mems.detail("no-such-id", Integer.MAX_VALUE).isEmpty());
    mems.removeFlushed(frozen);
    assertTrue(
        mems.detail(frozen.snapshotId(), Integer.MAX_VALUE).isEmpty(), "flushed tables are gone");
    assertSame(null, mems.oldestImmutable().orElse(null));
  }

  /**
   * Two writers, a flush pipeline and two readers on real threads, with tiny memtables so freezes,
   * back-pressure and removals happen constantly. The pipeline "installs" each flushed memtable in
   * a stand-in L0 list before removing it, as the engine must; a reader that looks in the memtables
   * first and then in L0 must find every acknowledged write, so no write is ever in neither place.
   */
  @Test
  void everyAcknowledgedWriteStaysReadableThroughFreezesAndFlushes() throws Exception {
    MemTableSet mems = MemTableSet.create(MEMTABLES, options(25, 2, Duration.ofSeconds(30)));
    int perWriter = 3000;
    java.util.concurrent.atomic.AtomicIntegerArray written =
        new java.util.concurrent.atomic.AtomicIntegerArray(2 * perWriter);
    List<FrozenMemTable> l0 = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean writing =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<Future<?>> tasks = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int base = w * perWriter;
      tasks.add(
          pool.submit(
              () -> {
                for (int i = base; i < base + perWriter; i++) {
                  write(mems, "key" + i, "v" + i);
                  written.set(i, 1);
                }
                return null;
              }));
    }
    Future<?> flusher =
        pool.submit(
            () -> {
              while (writing.get() || mems.queueLength() > 0) {
                Optional<FrozenMemTable> oldest = mems.oldestImmutable();
                if (oldest.isPresent()) {
                  l0.add(0, oldest.get()); // installed (newest first) before removal
                  mems.removeFlushed(oldest.get());
                } else {
                  Thread.onSpinWait();
                }
              }
              return null;
            });
    AtomicLong checked = new AtomicLong();
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      long seed = r;
      readers.add(
          pool.submit(
              () -> {
                java.util.Random rnd = new java.util.Random(seed);
                while (writing.get()) {
                  int i = rnd.nextInt(2 * perWriter);
                  if (written.get(i) == 0) {
                    continue;
                  }
                  byte[] key = Bytes.utf8("key" + i);
                  InternalEntry e = mems.get(key, KeyOrder.MAX_SEQUENCE);
                  for (int t = 0; e == null && t < l0.size(); t++) {
                    e = l0.get(t).get(key, KeyOrder.MAX_SEQUENCE);
                  }
                  if (e == null || !new String(e.value(), UTF_8).equals("v" + i)) {
                    throw new AssertionError("key" + i + " was acknowledged but reads " + e);
                  }
                  checked.incrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> t : tasks) {
      t.get(60, TimeUnit.SECONDS);
    }
    writing.set(false);
    flusher.get(60, TimeUnit.SECONDS);
    for (Future<?> r : readers) {
      r.get(60, TimeUnit.SECONDS);
    }
    long total = l0.stream().mapToLong(FrozenMemTable::entryCount).sum();
    assertEquals(2L * perWriter, total + mems.activeSummary().entryCount(), "nothing lost");
    assertTrue(l0.size() > 100, "froze " + l0.size() + " times");
    System.out.println(
        "[memtableset] " + checked.get() + " reads checked, " + l0.size() + " flushes");
  }
}
