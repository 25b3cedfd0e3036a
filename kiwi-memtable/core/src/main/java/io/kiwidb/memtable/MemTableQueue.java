package io.kiwidb.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.WriteBatch;
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

/**
 * {@link MemTableSet} as an active memtable and a queue of frozen ones, published together in one
 * volatile immutable view. See the interface for the protocol.
 *
 * <p>Thread safety: view changes (freezes, removals) and option changes happen under {@code lock};
 * the write side is single-threaded by contract, and the memtables' own single-writer rule holds
 * because only that thread adds. Readers take no lock.
 */
final class MemTableQueue implements MemTableSet {
  /** The active memtable and the queue, published together. Immutable. */
  private record View(Active active, List<FrozenMemTable> immutables) {}

  private final MemTableFactory factory;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Condition queueShrank = writeLock.newCondition();
  private volatile MemTableOptions options;
  private volatile View view;

  MemTableQueue(MemTableFactory factory, MemTableOptions options) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.options = Objects.requireNonNull(options, "options");
    this.view = new View(newActive(), List.of());
  }

  @Override
  public Optional<FrozenMemTable> apply(List<SequencedBatch> group) {
    writeLock.lock();
    try {
      Active active = view.active;
      for (SequencedBatch b : group) {
        long seq = b.firstSeq();
        for (WriteBatch.Operation op : b.operations()) {
          active.add(op.key(), seq++, op.isDelete() ? EntryKind.DELETE : EntryKind.PUT, op.value());
        }
      }
      return maybeFreeze();
    } finally {
      writeLock.unlock();
    }
  }

  /** Adds one version (recovery's one-at-a-time path). */
  void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    view.active.add(key, seq, kind, value);
  }

  /**
   * Bulk-loads entries sorted in internal key order into the active memtable ({@link
   * MemTable#addSorted}); what {@link ReplayBuffer} uses.
   */
  void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    view.active.addSorted(keys, seqs, values, count);
  }

  /** The active memtable itself, for {@link ReplayBuffer}'s size arithmetic. */
  MemTable activeMemTable() {
    return view.active.memTable;
  }

  @Override
  public Optional<FrozenMemTable> awaitRoom(Runnable recheck) {
    // The common case without the lock: only this writer fills the active memtable.
    if (!isFull(view.active, options)) {
      return Optional.empty();
    }
    writeLock.lock();
    try {
      return awaitRoomLocked(recheck);
    } finally {
      writeLock.unlock();
    }
  }

  private Optional<FrozenMemTable> awaitRoomLocked(Runnable recheck) {

    long start = System.nanoTime();
    while (true) {
      recheck.run();
      MemTableOptions o = options;
      View v = view;
      if (!isFull(v.active, o)) {
        return Optional.empty();
      }
      if (v.immutables.size() < o.immutableQueueMaxLen()) {
        return Optional.of(freeze(v));
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

  /** Freezes the active memtable if it is full and the queue has room. Holds the lock. */
  private Optional<FrozenMemTable> maybeFreeze() {
    MemTableOptions o = options;
    View v = view;
    if (isFull(v.active, o) && v.immutables.size() < o.immutableQueueMaxLen()) {
      return Optional.of(freeze(v));
    }
    return Optional.empty();
  }

  @Override
  public Optional<FrozenMemTable> forceFreeze() {
    writeLock.lock();
    try {
      View v = view;
      if (v.active.memTable.entryCount() == 0) {
        return Optional.empty();
      }
      return Optional.of(freeze(v));
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public BulkLoader bulkLoader() {
    return new ReplayBuffer(this);
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    View v = view;
    InternalEntry e = v.active.memTable.get(key, readSeq);
    List<FrozenMemTable> frozen = v.immutables;
    for (int i = frozen.size() - 1; e == null && i >= 0; i--) {
      e = frozen.get(i).get(key, readSeq);
    }
    return e;
  }

  @Override
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

  @Override
  public List<InternalIterator> newIterators() {
    View v = view;
    List<InternalIterator> out = new ArrayList<>(v.immutables.size() + 1);
    out.add(v.active.memTable.iterator());
    for (int i = v.immutables.size() - 1; i >= 0; i--) {
      out.add(v.immutables.get(i).iterator());
    }
    return out;
  }

  @Override
  public Optional<FrozenMemTable> oldestImmutable() {
    List<FrozenMemTable> q = view.immutables;
    return q.isEmpty() ? Optional.empty() : Optional.of(q.get(0));
  }

  @Override
  public List<FrozenMemTable> immutables() {
    return view.immutables;
  }

  @Override
  public int queueLength() {
    return view.immutables.size();
  }

  @Override
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

  @Override
  public MemTableSummary activeSummary() {
    return view.active.summary();
  }

  @Override
  public List<MemTableSummary> immutableSummaries() {
    return view.immutables.stream().map(FrozenMemTable::summary).toList();
  }

  @Override
  public MemListing listing() {
    View v = view;
    return new MemListing(
        v.active.summary(), v.immutables.stream().map(FrozenMemTable::summary).toList());
  }

  @Override
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

  @Override
  public void wakeWaiters() {
    writeLock.lock();
    try {
      queueShrank.signalAll();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public MemTableOptions options() {
    return options;
  }

  @Override
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
    return frozen;
  }

  private Active newActive() {
    return new Active(factory.create(), newId(), System.currentTimeMillis());
  }

  private static String newId() {
    UUID u = UUID.randomUUID();
    return String.format("%016x%016x", u.getMostSignificantBits(), u.getLeastSignificantBits());
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
