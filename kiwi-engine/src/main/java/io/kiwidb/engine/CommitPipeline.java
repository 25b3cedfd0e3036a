package io.kiwidb.engine;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.api.WriteStallException;
import io.kiwidb.memtable.FrozenMemTable;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.memtable.SequencedBatch;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WriteAheadLog;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path: batch, then log, then memtable, on one thread at a time, with concurrent writers
 * sharing the log write and the fsync (group commit), each with its own {@link WriteOptions}.
 *
 * <h2>Why a group commit</h2>
 *
 * <p>The simple design, which the reference engine uses, is one lock around "assign a sequence
 * number, append, fsync, insert into the memtable". It is correct but runs at the disk's fsync rate
 * however many threads write: every writer pays a full fsync while the others queue behind the
 * lock. An fsync costs about the same for 128 bytes as for 100 KiB, so writers that queue up during
 * one fsync should share the next one.
 *
 * <h2>Outline</h2>
 *
 * <p>As LevelDB's {@code DBImpl::Write}, writers enqueue themselves and wait; the writer at the
 * front is the <em>leader</em> and commits a group taken from the front of the queue (bounded by
 * {@link #MAX_GROUP_BYTES} and {@link #MAX_GROUP_BATCHES}):
 *
 * <ol>
 *   <li>make room in the memtables ({@link MemTableSet#awaitRoom}, which may wait for the flush
 *       pipeline: a stall counted in the stats), and roll the log if that froze a memtable;
 *   <li>assign the group's sequence numbers ({@link Sequencer#assign});
 *   <li>append the whole group to the log with one write (a group of writes with {@code disableWal}
 *       skips this step);
 *   <li>add the group to the active memtable ({@link MemTableSet#apply}: one lock acquisition for
 *       the group); if that filled it, roll the log so the frozen memtable's records end a segment,
 *       and wake the flush pipeline;
 *   <li>a group with an unsynced write is published ({@link Sequencer#publish}: readers see the
 *       whole group at once);
 *   <li>release the members and hand leadership to the next writer in the queue;
 *   <li>in a group of synced writes ({@link WriteOptions.Sync#SYNC}, or {@code DEFAULT} under
 *       {@code wal_sync_mode=always}), each member waits on its own thread until the log is forced
 *       through the group ({@link WriteAheadLog#syncThrough}), and then publishes it.
 * </ol>
 *
 * <h2>Synced and unsynced writers in one pipeline</h2>
 *
 * <p>The fsync is not the leader's job: it happens after the release, outside the queue. So an
 * unsynced write never waits for an fsync that a synced one needs (a leader takes microseconds to
 * append and apply, then the next group goes), and synced writers share forces across groups: a
 * force covers every group appended before it started, and a writer whose group a finished force
 * covered returns without one. A synced write returns only after its bytes and every earlier
 * write's are durable (the log is forced front to back).
 *
 * <p>Visibility: with synced writes only (the default, {@code wal_sync_mode=always}), a write is
 * visible only once durable, as the reference engine promises ("WAL first: durability before
 * visibility"). Visibility is one sequence number, though, so an unsynced write published while an
 * earlier synced group still waits for its fsync makes that group visible too, before it is
 * durable: in a mix, a reader can see a synced write that a power cut then takes back, exactly as
 * it can always see an unsynced one. The synced writer itself is still acknowledged only once
 * durable. (RocksDB's pipelined write makes the same trade.)
 *
 * <p>A group is either all logged or all unlogged ({@link #cut}), so the log sees contiguous groups
 * and the writes without it leave gaps that it records as skip records.
 *
 * <p>Every step is a call down into a component; none calls back. A manual flush goes through the
 * same queue as a one-member group ({@link #freeze}), so freezes are ordered with writes without a
 * lock of their own.
 *
 * <p>Two refinements over LevelDB, both found by the WAL benchmark. Followers wait with {@code
 * park} on a volatile flag rather than on a condition of the queue lock, so the members of a
 * finished group leave without queueing for that lock one by one. And a leader whose previous group
 * had several members waits briefly ({@link #gather}) for those writers to come back before it cuts
 * its group: without this, closed-loop writers phase-lock so that the released half always arrives
 * just after the next group was cut, and each append carries only about half of the writers. The
 * wait is bounded by half the recent log write time and ends as soon as the previous group's size
 * is reached; a lone writer never waits.
 *
 * <p>Invariants: sequence order == log order == memtable order; groups never overlap (one leader at
 * a time: the front of the queue); a batch is acknowledged only once it is in the log (unless it
 * asked not to be), durable (if it asked to be), in the memtable, and visible. A failed log write
 * or sync sets the engine's background error: the writers it concerns get the failure, every later
 * write is refused.
 *
 * <p>Thread safety: safe from any thread. The queue lock is held only briefly, never during I/O.
 */
final class CommitPipeline {
  private static final Logger log = LoggerFactory.getLogger(CommitPipeline.class);

  /** 1 MiB: large enough to amortise an fsync over hundreds of small batches. */
  static final int MAX_GROUP_BYTES = 1 << 20;

  /** A follower's latency includes its whole group's write: bound it. */
  static final int MAX_GROUP_BATCHES = 1024;

  /** The longest a leader waits for released writers to come back (see {@link #gather}). */
  private static final long MAX_GATHER_NANOS = 200_000;

  /**
   * A queued request: a write, or (with {@code batch == null}) a freeze. The leader writes {@code
   * error} and {@code frozen} before the volatile {@code done}, which publishes them.
   */
  private static final class Writer {
    final WalBatch batch;
    final boolean logged; // false: disableWal
    final boolean sync; // wait for durability after the group (never for unlogged writes)
    final String call;
    final Thread thread = Thread.currentThread();
    volatile boolean done;
    volatile boolean leader;
    RuntimeException error;
    long groupLastSeq; // set by the leader with the group's sequence numbers
    Optional<FrozenMemTable> frozen = Optional.empty();

    Writer(WalBatch batch, boolean logged, boolean sync, String call) {
      this.batch = batch;
      this.logged = logged;
      this.sync = sync;
      this.call = call;
    }

    boolean isFreeze() {
      return batch == null;
    }
  }

  private final WriteAheadLog wal;
  private final MemTableSet memTables;
  private final TableStore tables;
  private final Sequencer sequencer;
  private final WriteStall stall;
  private final BackgroundErrors errors;
  private final Counters counters;
  private final FlushTrigger flushes;
  private final WalSyncPolicy syncPolicy;

  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition drained = queueLock.newCondition();

  @GuardedBy("queueLock")
  private final ArrayDeque<Writer> queue = new ArrayDeque<>();

  @GuardedBy("queueLock")
  private boolean closed;

  @GuardedBy("queueLock")
  private Thread gatherer; // the leader while it waits in gather()

  @GuardedBy("queueLock")
  private int gatherTarget;

  // The last sequence number of a write without the log; volatile for close and the stats.
  private volatile long lastUnloggedSeq;

  // Leader-only state: only the front of the queue touches these, one leader at a time, and the
  // queue lock's release/acquire orders one leader's writes before the next leader's reads.
  private int lastGroupSize;
  private long ioNanosAverage; // moving average of a group's log write

  @Inject
  CommitPipeline(
      WriteAheadLog wal,
      MemTableSet memTables,
      TableStore tables,
      Sequencer sequencer,
      WriteStall stall,
      BackgroundErrors errors,
      Counters counters,
      FlushTrigger flushes,
      WalSyncPolicy syncPolicy) {
    this.wal = wal;
    this.memTables = memTables;
    this.tables = tables;
    this.sequencer = sequencer;
    this.stall = stall;
    this.errors = errors;
    this.counters = counters;
    this.flushes = flushes;
    this.syncPolicy = syncPolicy;
  }

  /**
   * Writes a batch and returns once it is in the log (unless {@code options.disableWal()}), in the
   * memtable and visible, and, when {@code options} ask for it (or leave it to {@code
   * wal_sync_mode=always}), durable. Waiting is uninterruptible: a writer whose batch is already in
   * a group could not be told whether it was written.
   *
   * @param call the API call, for error messages
   * @throws WriteStallException if the memtables stayed full past {@code backpressure_timeout};
   *     nothing was written
   * @throws BackgroundErrorException if a background failure stopped writes
   * @throws io.kiwidb.api.KiwiIOException if the log write or sync of this batch's group failed
   *     (the batch may or may not be in the log)
   * @throws EngineClosedException after {@link #close}
   */
  void write(List<WriteBatch.Operation> ops, WriteOptions options, String call) {
    errors.check(call);
    stall.beforeWrite(call);
    WalBatch batch = WalBatch.of(ops, System.currentTimeMillis());
    boolean logged = !options.disableWal();
    Writer w = new Writer(batch, logged, logged && needsSync(options.sync()), call);
    submit(w);
    if (w.sync) {
      syncThrough(w);
    }
    counters.writes.add(ops.size());
    counters.bytesWritten.add(userBytes(ops));
  }

  private boolean needsSync(WriteOptions.Sync sync) {
    return switch (sync) {
      case SYNC -> true;
      case NO_SYNC -> false;
      case DEFAULT -> syncPolicy.syncEveryGroup();
    };
  }

  /**
   * Step 7: waits until the log is durable through the writer's group, then makes the group visible
   * (if a later group has not already).
   */
  private void syncThrough(Writer w) {
    try {
      wal.syncThrough(w.groupLastSeq);
    } catch (KiwiException e) {
      errors.set("write-ahead log", e);
      throw e;
    }
    sequencer.publish(w.groupLastSeq);
  }

  /**
   * The last sequence number written without the log ({@code disableWal}), 0 if none: such writes
   * are durable only once tables hold it.
   */
  long lastUnloggedSequence() {
    return lastUnloggedSeq;
  }

  /** Key plus value bytes of a batch's operations (the denominator of write amplification). */
  private static long userBytes(List<WriteBatch.Operation> ops) {
    long bytes = 0;
    for (WriteBatch.Operation op : ops) {
      bytes += op.key().length + (op.value() == null ? 0 : op.value().length);
    }
    return bytes;
  }

  /**
   * Freezes the active memtable, ordered with the writes around it, and rolls the log so the next
   * write starts a new segment.
   *
   * @return the memtable frozen, or empty if the active one was empty
   */
  Optional<FrozenMemTable> freeze() {
    Writer w = new Writer(null, true, false, "flush");
    submit(w);
    return w.frozen;
  }

  /**
   * Refuses new writes and waits for the queued ones to finish. If writes without the log are not
   * yet in tables, freezes the active memtable so that the flush pipeline's drain writes them (they
   * are in no log a reopen could replay).
   *
   * @param tablesLastSequence the tables' last sequence number
   * @return the memtable frozen for that, or empty
   */
  Optional<FrozenMemTable> close(long tablesLastSequence) {
    queueLock.lock();
    try {
      closed = true;
      while (!queue.isEmpty()) {
        drained.awaitUninterruptibly();
      }
      // No leader can run now: the queue is empty and closed.
      if (lastUnloggedSeq > tablesLastSequence && errors.get() == null) {
        return freezeNow();
      }
      return Optional.empty();
    } finally {
      queueLock.unlock();
    }
  }

  private void submit(Writer w) {
    queueLock.lock();
    try {
      if (closed) {
        throw new EngineClosedException("commit pipeline", w.call);
      }
      queue.addLast(w);
      if (queue.size() == 1) {
        w.leader = true;
      } else if (gatherer != null && queue.size() >= gatherTarget) {
        LockSupport.unpark(gatherer); // the group the leader waits for is complete
      }
    } finally {
      queueLock.unlock();
    }
    // Followers wait without the lock: the leader sets done (or leader) and unparks them, so a
    // released writer leaves without contending for the queue lock.
    boolean interrupted = false;
    while (!w.done && !w.leader) {
      LockSupport.park(this);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (!w.done) {
      lead(w);
    }
    if (w.error != null) {
      throw w.error;
    }
  }

  /** Runs one group with {@code leader} at its front. */
  private void lead(Writer leader) {
    List<Writer> group = new ArrayList<>();
    Error fatal = null;
    try {
      if (leader.isFreeze()) {
        group.add(leader);
        leader.frozen = freezeNow();
      } else {
        makeRoom(leader);
        cut(group);
        commit(group);
      }
    } catch (RuntimeException e) {
      // A stall, a background error or a failed log write: every member not yet done gets it.
      if (group.isEmpty()) {
        group.add(leader);
      }
      for (Writer m : group) {
        if (m.error == null) {
          m.error = e;
        }
      }
    } catch (Error e) {
      // A bug or an OutOfMemoryError inside the commit: refuse further writes rather than leave
      // the memtable and the log in an unknown relation, and fail the members.
      errors.set("commit", e);
      KiwiException cause = new KiwiException("commit failed", e);
      if (group.isEmpty()) {
        group.add(leader);
      }
      group.forEach(m -> m.error = cause);
      fatal = e;
    } finally {
      release(leader, group);
    }
    if (fatal != null) {
      throw fatal;
    }
  }

  /** Waits for room in the memtables (a stall, counted), freezing and rolling where it can. */
  private void makeRoom(Writer leader) {
    boolean mayWait = memTables.queueLength() >= memTables.options().immutableQueueMaxLen();
    long start = mayWait ? System.nanoTime() : 0;
    Optional<FrozenMemTable> frozen;
    try {
      // The recheck fails a waiting writer at once when the flush pipeline fails meanwhile.
      frozen = memTables.awaitRoom(() -> errors.check(leader.call));
    } catch (WriteStallException e) {
      // The queue never drained because the flush pipeline failed: say that, not "stalled".
      Throwable error = errors.get();
      if (error != null) {
        BackgroundErrorException refused = new BackgroundErrorException(leader.call, error);
        refused.addSuppressed(e);
        throw refused;
      }
      throw e;
    } finally {
      if (mayWait) {
        counters.stallNanos.add(System.nanoTime() - start);
      }
    }
    frozen.ifPresent(this::rolled);
  }

  /**
   * Takes the group from the front of the queue: the leader, then writes up to the group limits,
   * stopping before a freeze request (which goes alone) and before the first write that differs
   * from the leader in using the log (a group is all logged or all unlogged).
   */
  private void cut(List<Writer> group) {
    queueLock.lock();
    try {
      gather(
          Math.min(lastGroupSize, MAX_GROUP_BATCHES),
          Math.min(ioNanosAverage / 2, MAX_GATHER_NANOS));
      long bytes = 0;
      for (Iterator<Writer> it = queue.iterator(); it.hasNext(); ) {
        Writer m = it.next();
        if (m.isFreeze() || (!group.isEmpty() && m.logged != group.get(0).logged)) {
          break;
        }
        int size = m.batch.encodedSize();
        if (!group.isEmpty()
            && (group.size() >= MAX_GROUP_BATCHES || bytes + size > MAX_GROUP_BYTES)) {
          break;
        }
        group.add(m);
        bytes += size;
      }
    } finally {
      queueLock.unlock();
    }
  }

  /**
   * Under concurrency, lets the writers just released by the previous group re-enqueue before this
   * group is cut (see the class comment). Called with the queue lock held; releases it while
   * parked.
   *
   * @param want the previous group's size (capped at the group limit)
   * @param budgetNanos the longest wait: half the recent write + sync time, capped
   */
  @GuardedBy("queueLock")
  private void gather(int want, long budgetNanos) {
    if (want <= 1 || queue.size() >= want) {
      return;
    }
    long deadline = System.nanoTime() + budgetNanos;
    gatherer = Thread.currentThread();
    gatherTarget = want;
    boolean interrupted = false;
    try {
      long left;
      while (queue.size() < want && (left = deadline - System.nanoTime()) > 0) {
        queueLock.unlock();
        try {
          LockSupport.parkNanos(this, left);
          interrupted |= Thread.interrupted();
        } finally {
          queueLock.lock();
        }
      }
    } finally {
      gatherer = null;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Steps 2 to 5 of the outline for one group. */
  private void commit(List<Writer> group) {
    errors.check(group.get(0).call);
    long count = 0;
    List<WalBatch> batches = new ArrayList<>(group.size());
    for (Writer m : group) {
      batches.add(m.batch);
      count += m.batch.count();
    }
    long firstSeq = sequencer.assign(count);
    long lastSeq = firstSeq + count - 1;
    if (group.get(0).logged) {
      long started = System.nanoTime();
      try {
        wal.append(firstSeq, batches);
      } catch (RuntimeException e) {
        errors.set("write-ahead log", e);
        throw e;
      }
      ioNanosAverage += (System.nanoTime() - started - ioNanosAverage) / 8;
    } else {
      lastUnloggedSeq = lastSeq;
    }
    lastGroupSize = group.size();
    for (Writer m : group) {
      m.groupLastSeq = lastSeq;
    }
    List<SequencedBatch> applied = new ArrayList<>(group.size());
    long seq = firstSeq;
    for (Writer m : group) {
      applied.add(new SequencedBatch(seq, m.batch.operations()));
      seq += m.batch.count();
    }
    Optional<FrozenMemTable> frozen = memTables.apply(applied);
    boolean allSynced = true;
    for (Writer m : group) {
      allSynced &= m.sync;
    }
    if (!allSynced) {
      sequencer.publish(lastSeq); // unsynced writes are visible on return, without an fsync
    }
    // else: durability before visibility; the members publish after their fsync (step 7)
    frozen.ifPresent(this::rolled);
  }

  /** A freeze request: the active memtable, frozen whatever its size, and the log rolled. */
  private Optional<FrozenMemTable> freezeNow() {
    Optional<FrozenMemTable> frozen = memTables.forceFreeze();
    frozen.ifPresent(this::rolled);
    return frozen;
  }

  /**
   * After a freeze: the frozen memtable's records end a segment (so the segment can go once the
   * memtable is flushed), and the flush pipeline is woken.
   */
  private void rolled(FrozenMemTable frozen) {
    try {
      wal.roll();
    } catch (RuntimeException e) {
      errors.set("write-ahead log", e);
      throw e;
    }
    log.atInfo()
        .setMessage("MemTable frozen")
        .addKeyValue("snapshot_id", frozen.snapshotId())
        .addKeyValue("entries", frozen.entryCount())
        .addKeyValue("size_bytes", frozen.sizeBytes())
        .addKeyValue("wal_segment", wal.currentSegment())
        .log();
    // A flush worker can pick up the frozen memtable (it is in the queue since the freeze) and
    // install its table before this roll; the segment was then still current and stayed. Delete
    // what tables now cover, or it would wait for the next flush.
    wal.deleteSegmentsThrough(tables.lastSequence());
    flushes.memTableFrozen(frozen);
  }

  /** Step 6: releases the members and hands leadership to the next writer. */
  private void release(Writer leader, List<Writer> group) {
    Writer next;
    queueLock.lock();
    try {
      for (int i = 0; i < group.size(); i++) {
        queue.removeFirst(); // the group is the front of the queue, in order
      }
      next = queue.peekFirst();
      if (next != null) {
        next.leader = true;
      } else {
        drained.signalAll();
      }
    } finally {
      queueLock.unlock();
    }
    for (Writer m : group) {
      if (m != leader) {
        m.done = true;
        LockSupport.unpark(m.thread);
      }
    }
    leader.done = true;
    if (next != null) {
      LockSupport.unpark(next.thread);
    }
  }
}
