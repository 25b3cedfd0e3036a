package io.kiwidb.memtable;

import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.WriteStallException;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTableFactory;
import java.util.List;
import java.util.Optional;

/**
 * The engine's memtables: one active memtable that takes writes, and a FIFO queue of frozen ones
 * awaiting flush (the reference system's {@code MemTableManager}).
 *
 * <p>Write side. One writer at a time (the engine's commit leader) calls {@link #awaitRoom}, then
 * {@link #apply} with a commit group whose sequence numbers it assigned, in that order. {@link
 * #apply} freezes the active memtable once it reaches {@code max_memtable_size_mb} or {@code
 * max_memtable_entries}, unless the queue already holds {@code immutable_queue_max_len} memtables;
 * then the full memtable stays active and the next {@link #awaitRoom} waits until the flush
 * pipeline {@linkplain #removeFlushed removes} one. The wait happens before the writer takes
 * sequence numbers or touches the log, so a writer that times out changed nothing. Writers wait
 * only when the active memtable is full as well as the queue: memory is bounded by (queue limit +
 * 1) memtables either way. A frozen memtable is returned to the writer, who rolls the log segment
 * and wakes the flush pipeline: the set calls nobody back.
 *
 * <p>Read side ({@link #get}, {@link #newIterators}, the listing and detail views): no lock. The
 * active memtable and the queue are published together as one immutable view, so a reader sees a
 * consistent pair, never a memtable in both places or in neither.
 *
 * <p>Flush protocol: the pipeline takes {@link #oldestImmutable()}, writes it to an L0 table,
 * installs the table, and only then calls {@link #removeFlushed}, so every version stays readable
 * throughout. Removal is strictly oldest first: were a newer memtable removed while an older one
 * stayed, a read would find the older memtable's stale version before the newer data in L0.
 *
 * <p>Thread safety: the write-side methods ({@link #awaitRoom}, {@link #apply}, {@link
 * #forceFreeze}, {@link #bulkLoader}) are for one thread at a time; every other method may be
 * called from any thread. The set takes its own lock where a view changes, at most once per call.
 *
 * <p>Invariants: the queue is ordered oldest first by freeze time, and so by sequence numbers; an
 * empty active memtable is never frozen; the queue exceeds {@code immutable_queue_max_len} only
 * through {@link #forceFreeze} (a manual flush or close), recovery, or a lowered limit.
 */
public interface MemTableSet {
  /**
   * An empty set.
   *
   * @param factory makes each new memtable ({@code memtable_impl})
   * @param options the thresholds
   */
  static MemTableSet create(MemTableFactory factory, MemTableOptions options) {
    return new MemTableQueue(factory, options);
  }

  // ---------------------------------------------------------------- write side

  /**
   * Makes room for a write: when the active memtable is full and the queue is at {@code
   * immutable_queue_max_len}, waits until the flush pipeline removes a memtable, then freezes the
   * full one. Returns at once, without a lock, when the active memtable has room.
   *
   * @param recheck run before each wait; an exception it throws ends the wait and reaches the
   *     caller (the engine passes its background-error check: once the flush pipeline has stopped,
   *     no room will come). Whoever makes it start throwing calls {@link #wakeWaiters()}.
   * @return the memtable frozen to make room, if one was
   * @throws WriteStallException after {@code backpressure_timeout} without room; nothing changed
   */
  Optional<FrozenMemTable> awaitRoom(Runnable recheck);

  /**
   * Adds a commit group to the active memtable, then freezes it if it is full and the queue has
   * room. The group's sequence numbers must be above every one added before.
   *
   * @return the memtable frozen, if one was
   */
  Optional<FrozenMemTable> apply(List<SequencedBatch> group);

  /**
   * Freezes the active memtable whatever its size, for a manual flush; it does not wait for room in
   * the queue.
   *
   * @return the memtable frozen, or empty if the active memtable holds nothing
   */
  Optional<FrozenMemTable> forceFreeze();

  /** Recovery's way in: buffered, sorted bulk loads. */
  BulkLoader bulkLoader();

  // ---------------------------------------------------------------- read side

  /**
   * The newest version of {@code key} with a sequence {@code <= readSeq}, looking in the active
   * memtable, then the frozen ones newest first. A tombstone is returned as such.
   *
   * @return the entry, or {@code null} if no memtable holds a visible version
   */
  InternalEntry get(byte[] key, long readSeq);

  /** As {@link #get}, recording one {@link LookupTrace.Step} per memtable consulted, in order. */
  InternalEntry trace(byte[] key, long readSeq, List<LookupTrace.Step> steps);

  /**
   * Iterators over every memtable of one consistent view: the active one first, then the frozen
   * ones newest first.
   */
  List<InternalIterator> newIterators();

  /** The active memtable's metadata. */
  MemTableSummary activeSummary();

  /** The frozen memtables' metadata, oldest first. */
  List<MemTableSummary> immutableSummaries();

  /** The {@code show_mem} listing: the active memtable and the queue, without entries. */
  MemListing listing();

  /**
   * The {@code show_mem <id>} detail of one memtable, listing at most {@code maxEntries} entries
   * (the first in key order).
   *
   * @param id the active memtable's table id, or a frozen memtable's snapshot id or table id
   * @return the detail, or empty if no memtable has that id (it may have been flushed meanwhile)
   */
  Optional<MemTableDetail> detail(String id, int maxEntries);

  // ---------------------------------------------------------------- flush side

  /** The frozen memtables awaiting flush, oldest first. */
  List<FrozenMemTable> immutables();

  /** The oldest frozen memtable, which the flush pipeline must install next. */
  Optional<FrozenMemTable> oldestImmutable();

  /** How many frozen memtables await flush. */
  int queueLength();

  /**
   * Drops a frozen memtable once its L0 table is installed, and wakes writers waiting for room.
   *
   * @throws IllegalStateException if {@code flushed} is not the oldest queued memtable
   */
  void removeFlushed(FrozenMemTable flushed);

  /** Wakes every writer waiting in {@link #awaitRoom}, so it runs its recheck now. */
  void wakeWaiters();

  // ---------------------------------------------------------------- options

  /** The current thresholds. */
  MemTableOptions options();

  /** Replaces all thresholds at once, live; writers waiting for room re-check at once. */
  void setOptions(MemTableOptions options);
}
