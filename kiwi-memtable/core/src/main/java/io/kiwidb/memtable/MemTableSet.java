package io.kiwidb.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.WriteStallException;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The engine's memtables: one active memtable that takes writes, and a FIFO queue of frozen ones
 * awaiting flush (the reference system's {@code MemTableManager}).
 *
 * <p>Write path. Every mutation happens under {@link #writeLock()}, which the engine also holds
 * while it allocates the sequence number and appends to the WAL, so the memtable sees writes in
 * sequence order and the SPI's one-writer-at-a-time rule holds:
 *
 * <pre>{@code
 * ReentrantLock lock = mems.writeLock();
 * lock.lock();
 * try {
 *   mems.awaitRoom();               // may wait for a flush; throws WriteStallException first
 *   long seq = sequences.next();
 *   wal.append(seq, kind, key, value);
 *   mems.add(key, seq, kind, value);
 *   mems.maybeFreeze();
 * } finally {
 *   lock.unlock();
 * }
 * }</pre>
 *
 * <p>Back-pressure. {@link #maybeFreeze} freezes the active memtable once it reaches {@code
 * max_memtable_size_mb} or {@code max_memtable_entries}, unless the queue already holds {@code
 * immutable_queue_max_len} memtables; then the full memtable stays active and the next writer's
 * {@link #awaitRoom} waits until the flush pipeline {@linkplain #removeFlushed removes} one, and
 * then freezes it. The wait happens <em>before</em> the write takes a sequence number or touches
 * the WAL, so a writer that times out fails with {@link WriteStallException} having changed
 * nothing, and everything written before stays. Writers wait only when the active memtable is full
 * as well as the queue: stalling while the active memtable still has room would cost latency and
 * save no memory, since memory is bounded by (queue limit + 1) memtables either way. While waiting,
 * a writer releases the write lock (it waits on a condition of that lock), so other writers queue
 * up behind it with their own deadlines and the flush pipeline's removal is never blocked by a
 * waiter.
 *
 * <p>Reads ({@link #get}, {@link #newIterators}, the listing and detail views) take no lock: the
 * active memtable and the queue are published together as one immutable view through a volatile
 * field, so a reader sees a consistent pair, never a memtable in both places or in neither.
 *
 * <p>Flush protocol: the pipeline takes {@link #oldestImmutable()}, writes it to an L0 table,
 * installs the table in the level structure, and only then calls {@link #removeFlushed}, so every
 * version stays readable throughout. Removal is strictly oldest first: were a newer memtable
 * removed while an older one stayed, a read would find the older memtable's stale version before
 * reaching the newer data in L0.
 *
 * <p>Thread safety: thread-safe. {@link #add}, {@link #awaitRoom}, {@link #maybeFreeze} and {@link
 * #forceFreeze} require the caller to hold {@link #writeLock()} and throw {@link
 * IllegalStateException} otherwise; every other method may be called from any thread.
 *
 * <p>Invariants: the queue is ordered oldest first by freeze time, and so by sequence numbers; an
 * empty active memtable is never frozen; the queue exceeds {@code immutable_queue_max_len} only
 * through {@link #forceFreeze} (a manual flush or close) or a lowered limit, each bounded by one
 * memtable per call.
 */
public final class MemTableSet {
  /** The active memtable and the queue, published together. Immutable. */
  private record View(Active active, List<FrozenMemTable> immutables) {}

  private final MemTableFactory factory;
  private final Consumer<FrozenMemTable> onFreeze;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Condition queueShrank = writeLock.newCondition();
  private volatile MemTableOptions options;
  private volatile View view;

  /**
   * Creates the set with an empty active memtable.
   *
   * @param factory makes each new memtable ({@code memtable_impl})
   * @param options the thresholds
   */
  public MemTableSet(MemTableFactory factory, MemTableOptions options) {
    this(factory, options, frozen -> {});
  }

  /**
   * Creates the set with an empty active memtable.
   *
   * @param factory makes each new memtable ({@code memtable_impl})
   * @param options the thresholds
   * @param onFreeze called under the write lock right after a memtable is frozen (by any of the
   *     freeze paths); the engine rotates its WAL segment and wakes the flush pipeline here. An
   *     exception from it reaches the writer that triggered the freeze; the freeze stands.
   */
  public MemTableSet(
      MemTableFactory factory, MemTableOptions options, Consumer<FrozenMemTable> onFreeze) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.options = Objects.requireNonNull(options, "options");
    this.onFreeze = Objects.requireNonNull(onFreeze, "onFreeze");
    this.view = new View(newActive(), List.of());
  }

  /** The write-path lock: hold it around sequence allocation, WAL append and {@link #add}. */
  public ReentrantLock writeLock() {
    return writeLock;
  }

  /**
   * Adds a version to the active memtable. Caller holds {@link #writeLock()}.
   *
   * @param value the value for a PUT, {@code null} for a DELETE; retained, not copied
   */
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    requireWriteLock("add");
    view.active.add(key, seq, kind, value);
  }

  /**
   * Bulk-loads entries sorted in internal key order into the active memtable ({@link
   * MemTable#addSorted}); what {@link ReplayBuffer} uses. Caller holds {@link #writeLock()}.
   */
  void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    requireWriteLock("addSorted");
    view.active.addSorted(keys, seqs, values, count);
  }

  /** The active memtable itself, for {@link ReplayBuffer}'s size arithmetic. */
  MemTable activeMemTable() {
    return view.active.memTable;
  }

  /**
   * Makes room for a write: when the active memtable is full and the queue is at {@code
   * immutable_queue_max_len}, waits (releasing the write lock) until the flush pipeline removes a
   * memtable, then freezes the full one. Caller holds {@link #writeLock()}; call it before taking a
   * sequence number.
   *
   * @throws WriteStallException after {@code backpressure_timeout} without room; nothing was
   *     written
   * @throws IllegalStateException if the caller does not hold the write lock
   */
  public void awaitRoom() {
    awaitRoom(() -> {});
  }

  /**
   * Like {@link #awaitRoom()}, but runs {@code recheck} before each wait; an exception it throws
   * ends the wait and reaches the caller. The engine passes its background-error check: once the
   * flush pipeline has stopped, no room will ever come, and a writer must fail at once instead of
   * waiting out {@code backpressure_timeout}. Whoever makes {@code recheck} start throwing calls
   * {@link #wakeWaiters()}.
   */
  public void awaitRoom(Runnable recheck) {
    requireWriteLock("awaitRoom");
    long start = System.nanoTime();
    while (true) {
      recheck.run();
      MemTableOptions o = options;
      View v = view;
      if (!isFull(v.active, o)) {
        return;
      }
      if (v.immutables.size() < o.immutableQueueMaxLen()) {
        freeze(v);
        return;
      }
      long remaining = o.backpressureTimeout().toNanos() - (System.nanoTime() - start);
      if (remaining <= 0) {
        throw new WriteStallException(
            v.immutables.size()
                + " immutable memtables awaiting flush (immutable_queue_max_len="
                + o.immutableQueueMaxLen()
                + ") and the active memtable is full",
            Duration.ofNanos(System.nanoTime() - start));
      }
      try {
        queueShrank.awaitNanos(remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WriteStallException(
            "interrupted while waiting for a flush", Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /**
   * Freezes the active memtable if it reached {@code max_memtable_size_mb} or {@code
   * max_memtable_entries} and the queue has room. Caller holds {@link #writeLock()}.
   *
   * @return the memtable frozen, or empty if none was
   */
  public Optional<FrozenMemTable> maybeFreeze() {
    requireWriteLock("maybeFreeze");
    MemTableOptions o = options;
    View v = view;
    if (isFull(v.active, o) && v.immutables.size() < o.immutableQueueMaxLen()) {
      return Optional.of(freeze(v));
    }
    return Optional.empty();
  }

  /**
   * Freezes the active memtable whatever its size, for a manual flush or close; it does not wait
   * for room in the queue. Caller holds {@link #writeLock()}.
   *
   * @return the memtable frozen, or empty if the active memtable holds nothing
   */
  public Optional<FrozenMemTable> forceFreeze() {
    requireWriteLock("forceFreeze");
    View v = view;
    if (v.active.memTable.entryCount() == 0) {
      return Optional.empty();
    }
    return Optional.of(freeze(v));
  }

  /**
   * The newest version of {@code key} with a sequence {@code <= readSeq}, looking in the active
   * memtable, then the frozen ones newest first. The entry carries its sequence number; a tombstone
   * is returned as such (the caller treats it as "deleted", and must not look further down).
   *
   * @return the entry, or {@code null} if no memtable holds a visible version
   */
  public InternalEntry get(byte[] key, long readSeq) {
    View v = view;
    InternalEntry e = v.active.memTable.get(key, readSeq);
    List<FrozenMemTable> frozen = v.immutables;
    for (int i = frozen.size() - 1; e == null && i >= 0; i--) {
      e = frozen.get(i).get(key, readSeq);
    }
    return e;
  }

  /**
   * As {@link #get}, and records one {@link LookupTrace.Step} per memtable consulted, in order, for
   * the engine's {@code trace}.
   */
  public InternalEntry trace(byte[] key, long readSeq, List<LookupTrace.Step> steps) {
    View v = view;
    InternalEntry e = v.active.memTable.get(key, readSeq);
    steps.add(step("memtable", v.active.tableId, e));
    List<FrozenMemTable> frozen = v.immutables;
    for (int i = frozen.size() - 1; e == null && i >= 0; i--) {
      e = frozen.get(i).get(key, readSeq);
      steps.add(step("immutable", frozen.get(i).snapshotId(), e));
    }
    return e;
  }

  private static LookupTrace.Step step(String layer, String id, InternalEntry e) {
    LookupTrace.Answer answer =
        e == null
            ? LookupTrace.Answer.ABSENT
            : e.isTombstone() ? LookupTrace.Answer.TOMBSTONE : LookupTrace.Answer.FOUND;
    return new LookupTrace.Step(
        layer,
        id,
        LookupTrace.FilterAnswer.NOT_CHECKED,
        LookupTrace.CacheAnswer.NOT_READ,
        answer,
        e == null ? 0 : e.seq());
  }

  /**
   * Iterators over every memtable of one consistent view: the active one first, then the frozen
   * ones newest first (the order a merging iterator should prefer on equal internal keys, which
   * cannot occur since sequence numbers are unique).
   */
  public List<InternalIterator> newIterators() {
    View v = view;
    List<InternalIterator> out = new ArrayList<>(v.immutables.size() + 1);
    out.add(v.active.memTable.iterator());
    for (int i = v.immutables.size() - 1; i >= 0; i--) {
      out.add(v.immutables.get(i).iterator());
    }
    return out;
  }

  /** The oldest frozen memtable, which the flush pipeline must write next. */
  public Optional<FrozenMemTable> oldestImmutable() {
    List<FrozenMemTable> q = view.immutables;
    return q.isEmpty() ? Optional.empty() : Optional.of(q.get(0));
  }

  /** The frozen memtables awaiting flush, oldest first. */
  public List<FrozenMemTable> immutables() {
    return view.immutables;
  }

  /** How many frozen memtables await flush. */
  public int queueLength() {
    return view.immutables.size();
  }

  /**
   * Drops a frozen memtable once its L0 table is installed, and wakes writers waiting for room.
   *
   * @throws IllegalStateException if {@code flushed} is not the oldest queued memtable (flushes
   *     must be installed in freeze order, see the class comment)
   */
  public void removeFlushed(FrozenMemTable flushed) {
    Objects.requireNonNull(flushed, "flushed");
    writeLock.lock();
    try {
      View v = view;
      if (v.immutables.isEmpty() || v.immutables.get(0) != flushed) {
        throw new IllegalStateException(
            "can only remove the oldest immutable memtable "
                + (v.immutables.isEmpty() ? "(queue is empty)" : v.immutables.get(0))
                + ", not "
                + flushed);
      }
      view = new View(v.active, List.copyOf(v.immutables.subList(1, v.immutables.size())));
      queueShrank.signalAll();
    } finally {
      writeLock.unlock();
    }
  }

  /** The active memtable's metadata ({@code active_metadata}). */
  public MemTableSummary activeSummary() {
    return view.active.summary();
  }

  /** The frozen memtables' metadata, oldest first ({@code immutable_metadata}). */
  public List<MemTableSummary> immutableSummaries() {
    return view.immutables.stream().map(FrozenMemTable::summary).toList();
  }

  /** The {@code show_mem} listing: the active memtable and the queue, without entries. */
  public MemListing listing() {
    View v = view;
    return new MemListing(
        v.active.summary(), v.immutables.stream().map(FrozenMemTable::summary).toList());
  }

  /**
   * The {@code show_mem <id>} detail: every entry of one memtable.
   *
   * @param id the active memtable's table id, or a frozen memtable's snapshot id or table id
   * @return the detail, or empty if no memtable has that id (it may have been flushed meanwhile)
   */
  public Optional<MemTableDetail> detail(String id) {
    return detail(id, Integer.MAX_VALUE);
  }

  /**
   * Like {@link #detail(String)}, listing at most {@code maxEntries} entries (the first ones in key
   * order), so a shell can look at a 64 MiB memtable without copying all of it.
   */
  public Optional<MemTableDetail> detail(String id, int maxEntries) {
    Objects.requireNonNull(id, "id");
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must not be negative, got " + maxEntries);
    }
    View v = view;
    if (v.active.tableId.equals(id)) {
      return Optional.of(
          new MemTableDetail(
              "active", id, null, entries(v.active.memTable.iterator(), maxEntries)));
    }
    for (FrozenMemTable f : v.immutables) {
      if (f.snapshotId().equals(id) || f.tableId().equals(id)) {
        return Optional.of(
            new MemTableDetail(
                "immutable", f.tableId(), f.snapshotId(), entries(f.iterator(), maxEntries)));
      }
    }
    return Optional.empty();
  }

  /** Wakes every writer waiting in {@link #awaitRoom(Runnable)}, so it runs its recheck now. */
  public void wakeWaiters() {
    writeLock.lock();
    try {
      queueShrank.signalAll();
    } finally {
      writeLock.unlock();
    }
  }

  /** The current thresholds. */
  public MemTableOptions options() {
    return options;
  }

  /** Replaces all thresholds at once, live; writers waiting for room re-check at once. */
  public void setOptions(MemTableOptions newOptions) {
    Objects.requireNonNull(newOptions, "options");
    writeLock.lock();
    try {
      options = newOptions;
      queueShrank.signalAll();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Sets {@code max_memtable_size_mb}, live.
   *
   * @throws IllegalArgumentException if it is not positive
   */
  public void setMaxMemtableSizeMb(long mb) {
    update(o -> o.withMaxMemtableSizeMb(mb));
  }

  /**
   * Sets the size threshold in bytes, live (tests and fine tuning).
   *
   * @throws IllegalArgumentException if it is not positive
   */
  public void setMaxMemtableSizeBytes(long bytes) {
    update(o -> o.withMaxMemtableSizeBytes(bytes));
  }

  /**
   * Sets {@code max_memtable_entries}, live.
   *
   * @throws IllegalArgumentException if it is below 1
   */
  public void setMaxMemtableEntries(long entries) {
    update(o -> o.withMaxMemtableEntries(entries));
  }

  /**
   * Sets {@code immutable_queue_max_len}, live; raising it releases waiting writers.
   *
   * @throws IllegalArgumentException if it is below 1
   */
  public void setImmutableQueueMaxLen(int maxLen) {
    update(o -> o.withImmutableQueueMaxLen(maxLen));
  }

  /**
   * Sets {@code backpressure_timeout}, live; writers already waiting re-check against it.
   *
   * @throws IllegalArgumentException if it is negative
   */
  public void setBackpressureTimeout(Duration timeout) {
    update(o -> o.withBackpressureTimeout(timeout));
  }

  private void update(java.util.function.UnaryOperator<MemTableOptions> change) {
    writeLock.lock();
    try {
      options = change.apply(options); // validates before anything changes
      queueShrank.signalAll();
    } finally {
      writeLock.unlock();
    }
  }

  private static boolean isFull(Active a, MemTableOptions o) {
    long n = a.memTable.entryCount();
    return n > 0
        && (n >= o.maxMemtableEntries() || a.memTable.sizeBytes() >= o.maxMemtableSizeBytes());
  }

  private FrozenMemTable freeze(View v) {
    FrozenMemTable frozen = v.active.freeze(newId(), System.currentTimeMillis());
    List<FrozenMemTable> queue = new ArrayList<>(v.immutables.size() + 1);
    queue.addAll(v.immutables);
    queue.add(frozen);
    view = new View(newActive(), List.copyOf(queue));
    onFreeze.accept(frozen);
    return frozen;
  }

  private Active newActive() {
    return new Active(factory.create(), newId(), System.currentTimeMillis());
  }

  private static String newId() {
    UUID u = UUID.randomUUID();
    return String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
  }

  void requireWriteLock(String method) {
    if (!writeLock.isHeldByCurrentThread()) {
      throw new IllegalStateException(method + " requires the caller to hold writeLock()");
    }
  }

  private static List<EntryView> entries(InternalIterator it, int max) {
    List<EntryView> out = new ArrayList<>();
    for (it.seekToFirst(); it.isValid() && out.size() < max; it.next()) {
      out.add(new EntryView(it.key(), it.seq(), it.kind(), it.value()));
    }
    it.close();
    return out;
  }

  /**
   * The active memtable with the metadata the memtable itself does not keep. The sequence range is
   * written under the write lock and read without it; a reader may see a range one write old.
   */
  private static final class Active {
    final MemTable memTable;
    final String tableId;
    final long createdAtMillis;
    private volatile long minSeq = -1;
    private volatile long maxSeq = -1;

    Active(MemTable memTable, String tableId, long createdAtMillis) {
      this.memTable = memTable;
      this.tableId = tableId;
      this.createdAtMillis = createdAtMillis;
    }

    void add(byte[] key, long seq, EntryKind kind, byte[] value) {
      memTable.add(key, seq, kind, value);
      if (minSeq < 0 || seq < minSeq) {
        minSeq = seq;
      }
      if (seq > maxSeq) {
        maxSeq = seq;
      }
    }

    void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
      memTable.addSorted(keys, seqs, values, count);
      // Sorted by key, so the sequence range needs a scan; one volatile write each at the end.
      long min = minSeq;
      long max = maxSeq;
      for (int i = 0; i < count; i++) {
        long seq = seqs[i];
        if (min < 0 || seq < min) {
          min = seq;
        }
        max = Math.max(max, seq);
      }
      minSeq = min;
      maxSeq = max;
    }

    MemTableSummary summary() {
      long min = minSeq;
      long max = maxSeq;
      return new MemTableSummary(
          tableId,
          null,
          memTable.entryCount(),
          memTable.sizeBytes(),
          Math.max(min, 0),
          Math.max(max, 0),
          createdAtMillis);
    }

    FrozenMemTable freeze(String snapshotId, long nowMillis) {
      return new FrozenMemTable(
          memTable,
          tableId,
          snapshotId,
          createdAtMillis,
          nowMillis,
          Math.max(minSeq, 0),
          Math.max(maxSeq, 0));
    }
  }
}
