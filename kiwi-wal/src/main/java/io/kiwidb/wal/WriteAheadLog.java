package io.kiwidb.wal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: segments of checksummed records (format in {@code docs/format/wal.md}), a
 * group commit that shares one write and one fsync among concurrent writers, and the hooks the
 * engine needs around memtables (one segment per memtable, deletion once flushed).
 *
 * <h2>Group commit</h2>
 *
 * <p>The simple design, which the reference engine uses, is one lock around "assign a sequence
 * number, append, fsync, insert into the memtable". It is correct but runs at the disk's fsync rate
 * no matter how many threads write: every writer pays a full fsync while the others queue behind
 * the lock. An fsync costs about the same for 128 bytes as for 100 KiB, so the fix is to let the
 * writers that queued up during one fsync share the next one.
 *
 * <p>Like LevelDB's writer queue, writers enqueue themselves and wait; the writer at the front is
 * the <em>leader</em>. The leader takes a group from the front of the queue (bounded by {@link
 * WalOptions#maxGroupBytes} and {@link WalOptions#maxGroupBatches}), assigns each batch its
 * sequence numbers, frames them all into one buffer, does one append and (in {@code always} mode)
 * one fsync, calls the {@link CommitListener} for each member in order, and only then releases the
 * followers and wakes the new front of the queue, which leads the next group. While a leader is in
 * its fsync, new writers pile up behind it and form the next group, so the group size adapts to the
 * load: one writer alone pays exactly one write and one fsync per batch, as the raw loop does.
 *
 * <p>Two refinements over LevelDB, both found by the benchmark ({@code WalBenchmark}). Followers
 * wait with {@code park} on a volatile flag rather than on a condition of the queue lock, so the
 * members of a finished group leave without queueing for that lock one by one. And a leader whose
 * previous group had several members waits briefly ({@link #gather}) for those writers to come back
 * before it cuts its group: without this, closed-loop writers phase-lock so that the released half
 * always arrives just after the next group was cut, and each fsync carries only about half of the
 * writers. The wait is bounded by half the recent write+fsync time and ends as soon as the previous
 * group's size is reached, and a lone writer never waits.
 *
 * <p>Pebble's commit pipeline goes further: it separates the WAL write from the memtable apply and
 * publishes sequence numbers out of a pending queue, so memtable inserts of different batches run
 * in parallel. We keep LevelDB's simpler shape (apply on the leader thread) because our bottleneck
 * is the fsync, not the memtable insert, and applying in log order on one thread makes "visible
 * sequence = last applied" trivially true. Groups are bounded because a follower's latency includes
 * the whole group's write and apply: an unbounded group lets one huge burst make every small writer
 * wait for it, and a bounded buffer keeps memory predictable.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Sequence order == log order == apply order. Sequence numbers are assigned by the leader, in
 *       queue order, while it holds the write lock; the group is written in that order; the
 *       listener sees members in that order; groups never overlap.
 *   <li>A batch is acknowledged (its {@link #append} returns) only after it is durable under the
 *       mode in force when its group was written, and after the listener applied it.
 *   <li>A failed write or fsync (or a listener failure) poisons the log: the members of the failing
 *       group get that error, and every later call fails with a {@link BackgroundErrorException}
 *       whose cause is it. A failed fsync is never retried: after it the kernel may have dropped
 *       the dirty pages and report the next fsync as a success, so no later fsync could vouch for
 *       those bytes. Reopening (replay) is the only way back.
 *   <li>Every segment but the newest ends on a record boundary, and live segment numbers are
 *       contiguous: {@link #open} cuts a torn or damaged tail before it creates a new segment,
 *       {@link #rollSegment} syncs the old segment before it creates the next, and {@link
 *       #deleteSegmentsThrough} deletes oldest first, syncing the directory after each.
 * </ul>
 *
 * <h2>Segments</h2>
 *
 * <p>The engine calls {@link #rollSegment()} when it freezes a memtable and {@link
 * #deleteSegmentsThrough(long)} with the highest sequence number that is safely in tables. Deletion
 * goes by sequence number, not by segment number, so the engine may roll from inside the listener
 * (mid-group, when a memtable fills up): batches already written to the old segment but applied to
 * the new memtable keep that segment alive until they are flushed too.
 *
 * <p>Thread safety: all methods are safe to call from any thread. Lock order: the write lock (held
 * by the leader, {@link #rollSegment}, {@link #sync} and {@link #close}), then the queue lock (held
 * only briefly, never during I/O or listener calls). Deletion has its own lock and does its I/O
 * under neither.
 */
public final class WriteAheadLog implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);

  /** The longest a leader waits for released writers to come back (see {@link #gather}). */
  private static final long MAX_GATHER_NANOS = 200_000;

  /**
   * A queued writer. The leader writes {@code firstSeq} and {@code error} before the volatile
   * {@code done}, which publishes them to the waiting thread.
   */
  private static final class Writer {
    final WalBatch batch;
    final Thread thread;
    volatile boolean done;
    volatile boolean leader;
    boolean applied;
    long firstSeq;
    RuntimeException error;

    Writer(WalBatch batch, Thread thread) {
      this.batch = batch;
      this.thread = thread;
    }
  }

  /** Book-keeping of one live segment. */
  private static final class SegmentState {
    final long number;
    final Path file;
    long entries;
    long lastSeq; // 0 while empty

    SegmentState(long number, Path file, long entries, long lastSeq) {
      this.number = number;
      this.file = file;
      this.entries = entries;
      this.lastSeq = lastSeq;
    }
  }

  private final FileSystem fs;
  private final Path dir;
  private final CommitListener listener;
  private final int maxGroupBytes;
  private final int maxGroupBatches;
  private volatile SyncMode syncMode;

  private final ReentrantLock queueLock = new ReentrantLock();
  private final Condition drained = queueLock.newCondition();

  @GuardedBy("queueLock")
  private final ArrayDeque<Writer> queue = new ArrayDeque<>();

  private volatile boolean closed; // written under queueLock
  private volatile RuntimeException failure; // the first failure; written under writeLock

  private final ReentrantLock writeLock = new ReentrantLock();

  @GuardedBy("writeLock")
  private WritableFile current;

  @GuardedBy("writeLock")
  private RecordFramer framer;

  @GuardedBy("writeLock")
  private long lastSeq;

  @GuardedBy("writeLock")
  private final List<Writer> group = new ArrayList<>();

  @GuardedBy("writeLock")
  private int lastGroupSize;

  private volatile long groupsWritten; // written under writeLock
  private volatile long batchesWritten; // written under writeLock
  private volatile long bytesWritten; // written under writeLock; record bytes, headers excluded

  @GuardedBy("writeLock")
  private long ioNanosAverage; // moving average of a group's write+sync

  @GuardedBy("queueLock")
  private Thread gatherer; // the leader while it waits in gather()

  @GuardedBy("queueLock")
  private int gatherTarget;

  private final ReentrantLock deleteLock = new ReentrantLock();

  @GuardedBy("itself")
  private final ArrayDeque<SegmentState> segments = new ArrayDeque<>();

  private final AtomicLong liveEntries = new AtomicLong();
  private volatile long lastCommitted;
  private volatile long currentNumber;

  private WriteAheadLog(
      FileSystem fs, Path dir, WalOptions options, CommitListener listener, long lastSeq) {
    this.fs = fs;
    this.dir = dir;
    this.listener = listener;
    this.maxGroupBytes = options.maxGroupBytes();
    this.maxGroupBatches = options.maxGroupBatches();
    this.syncMode = options.syncMode();
    this.lastSeq = lastSeq;
    this.lastCommitted = lastSeq;
  }

  /**
   * Opens the log for writing after a replay: sets damage aside (see below), then starts a new
   * segment numbered after every segment seen, so nothing is ever appended to a segment written
   * before.
   *
   * <p>If {@code recovered} reports damage, the valid prefix of the damaged segment is rewritten
   * (to {@code NNNNNN.log.tmp}, synced, renamed over the original) and its dropped tail is kept in
   * {@code NNNNNN.log.tail}; skipped later segments are renamed to {@code NNNNNN.log.dropped}.
   * Without this, records appended after the reopen would sit behind the damage and a second replay
   * would stop before them, losing acknowledged writes.
   *
   * @param recovered the result of {@link WalReplay#replay} on the same directory, with no change
   *     in between (the caller holds the database lock)
   * @param lastSequence the last sequence number already used anywhere (the WAL's or the tables'),
   *     at least {@code recovered.lastSequence()}; the first append gets {@code lastSequence + 1}
   * @throws KiwiIOException if the directory or the new segment cannot be made durable
   * @throws IllegalArgumentException if {@code lastSequence} is below the recovered one
   * @throws IllegalStateException if {@code recovered} does not list exactly the directory's
   *     segments
   */
  public static WriteAheadLog open(
      FileSystem fs,
      Path walDir,
      WalOptions options,
      WalReplay.Result recovered,
      long lastSequence,
      CommitListener listener) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    if (lastSequence < recovered.lastSequence()) {
      throw new IllegalArgumentException(
          "lastSequence "
              + lastSequence
              + " is below the last recovered sequence "
              + recovered.lastSequence());
    }
    WriteAheadLog wal = new WriteAheadLog(fs, walDir, options, listener, lastSequence);
    try {
      fs.createDirectories(walDir);
      for (Path p : fs.list(walDir)) {
        if (p.getFileName().toString().endsWith(".log.tmp")) {
          fs.delete(p); // a repair cut short by a crash; the original is still in place
        }
      }
      checkMatches(fs, walDir, recovered);
      List<WalReplay.Segment> live = new ArrayList<>(recovered.segments());
      if (recovered.damage().isPresent()) {
        wal.setAside(recovered, live);
      }
      synchronized (wal.segments) {
        for (WalReplay.Segment s : live) {
          wal.segments.add(new SegmentState(s.number(), s.file(), s.entries(), s.lastSequence()));
          wal.liveEntries.addAndGet(s.entries());
        }
      }
      // Right after the newest live segment, so live numbers stay contiguous (set-aside files
      // have other suffixes and never clash). Not yet shared, but take the lock the field needs.
      wal.writeLock.lock();
      try {
        wal.startSegment(
            live.isEmpty()
                ? recovered.highestSegment() + 1
                : live.get(live.size() - 1).number() + 1);
      } finally {
        wal.writeLock.unlock();
      }
    } catch (IOException e) {
      throw new KiwiIOException("open write-ahead log in " + walDir, e);
    }
    return wal;
  }

  /**
   * Refuses a replay result that does not describe the directory (a stale one, or {@code empty()}
   * for a directory with segments): opening with it could overwrite a segment nobody replayed.
   */
  private static void checkMatches(FileSystem fs, Path walDir, WalReplay.Result recovered)
      throws IOException {
    Set<String> onDisk = new TreeSet<>();
    for (Path p : WalReplay.segmentFiles(fs, walDir)) {
      onDisk.add(p.getFileName().toString());
    }
    Set<String> known = new TreeSet<>();
    recovered.segments().forEach(s -> known.add(s.file().getFileName().toString()));
    recovered.skippedSegments().forEach(p -> known.add(p.getFileName().toString()));
    if (!onDisk.equals(known)) {
      throw new IllegalStateException(
          "the replay result does not match "
              + walDir
              + ": it knows segments "
              + known
              + " but the directory holds "
              + onDisk
              + "; replay the directory, then open it");
    }
  }

  /** Cuts the damaged segment to its valid prefix and renames skipped segments away. */
  private void setAside(WalReplay.Result recovered, List<WalReplay.Segment> live)
      throws IOException {
    WalReplay.Damage damage = recovered.damage().orElseThrow();
    // Highest first, with a directory sync before the damaged segment is cut: a crash part-way
    // must never leave a clean-looking damaged segment followed by segments from after the damage.
    List<Path> skipped = new ArrayList<>(recovered.skippedSegments());
    for (int i = skipped.size() - 1; i >= 0; i--) {
      Path p = skipped.get(i);
      fs.rename(p, aside(p, ".dropped"));
    }
    fs.syncDirectory(dir);
    WalReplay.Segment damaged = live.isEmpty() ? null : live.get(live.size() - 1);
    if (damaged == null || !damaged.file().equals(damage.file())) {
      return; // the damage was a missing segment: only skipped segments to set aside
    }
    Path file = damaged.file();
    long keep = damaged.validBytes();
    Path tail;
    try (ReadableFile in = fs.openRead(file)) {
      long size = in.size();
      tail = aside(file, ".tail");
      copy(in, keep, size, tail);
      if (keep < LogFormat.HEADER_SIZE) {
        live.remove(live.size() - 1);
        fs.rename(file, aside(file, ".dropped"));
      } else {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        copy(in, 0, keep, tmp);
        fs.rename(tmp, file);
      }
    }
    fs.syncDirectory(dir);
    log.atWarn()
        .addKeyValue("file", file)
        .addKeyValue("kept_bytes", keep)
        .addKeyValue("set_aside", tail)
        .addKeyValue("dropped_segments", skipped.size())
        .log("WAL repaired after replay: damaged tail set aside");
  }

  /**
   * A free name for a set-aside file: {@code 000007.log.tail}, or with {@code .2}, {@code .3}...
   */
  private Path aside(Path file, String suffix) {
    Path p = file.resolveSibling(file.getFileName() + suffix);
    for (int k = 2; fs.exists(p); k++) {
      p = file.resolveSibling(file.getFileName() + suffix + "." + k);
    }
    return p;
  }

  private void copy(ReadableFile in, long from, long to, Path target) throws IOException {
    try (WritableFile out = fs.create(target)) {
      byte[] buf = new byte[LogFormat.BLOCK_SIZE];
      for (long pos = from; pos < to; ) {
        int n = (int) Math.min(buf.length, to - pos);
        in.readFully(pos, buf, 0, n);
        out.append(buf, 0, n);
        pos += n;
      }
      out.sync();
    }
  }

  /** Creates, fills in the header of, syncs and makes durable in its directory a new segment. */
  @GuardedBy("writeLock")
  private void startSegment(long number) throws IOException {
    Path file = dir.resolve(LogFormat.fileName(number));
    WritableFile f = fs.create(file);
    try {
      f.append(LogFormat.header(number));
      f.sync();
      fs.syncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      try {
        f.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    current = f;
    framer = new RecordFramer(LogFormat.HEADER_SIZE);
    synchronized (segments) {
      segments.add(new SegmentState(number, file, 0, 0));
    }
    currentNumber = number;
  }

  /**
   * Appends a batch and returns once it is durable under the current {@link SyncMode} and the
   * {@link CommitListener} has applied it. Waiting is uninterruptible: an interrupted writer whose
   * batch is already in a group could not be told whether it was written.
   *
   * @return the first sequence number of the batch (its operations have this and the following
   *     ones)
   * @throws KiwiIOException if the write or sync of this batch's group failed (the batch may or may
   *     not be in the log)
   * @throws BackgroundErrorException if the log failed earlier; the cause is that failure
   * @throws EngineClosedException if the log is closed
   */
  public long append(WalBatch batch) {
    Objects.requireNonNull(batch, "batch");
    Writer w = new Writer(batch, Thread.currentThread());
    queueLock.lock();
    try {
      checkUsable("append");
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
    return outcome(w);
  }

  private static long outcome(Writer w) {
    if (w.error != null) {
      throw w.error;
    }
    return w.firstSeq;
  }

  /** Runs one group with {@code leader} at its front. */
  private void lead(Writer leader) {
    writeLock.lock();
    try {
      group.clear();
      queueLock.lock();
      try {
        gather(
            Math.min(lastGroupSize, maxGroupBatches),
            Math.min(ioNanosAverage / 2, MAX_GATHER_NANOS));
        long bytes = 0;
        for (Iterator<Writer> it = queue.iterator(); it.hasNext(); ) {
          Writer m = it.next();
          int size = m.batch.encodedSize();
          if (!group.isEmpty()
              && (group.size() >= maxGroupBatches || bytes + size > maxGroupBytes)) {
            break;
          }
          group.add(m);
          bytes += size;
        }
      } finally {
        queueLock.unlock();
      }
      Writer next;
      Error fatal = null;
      try {
        commit();
      } catch (RuntimeException | Error e) {
        // Not an I/O or listener failure (commit() handles those): a bug or an OutOfMemoryError.
        // Fail the members not yet applied rather than leave them waiting forever.
        RuntimeException cause =
            e instanceof RuntimeException re ? re : new KiwiException("group commit failed", e);
        poison(cause);
        for (Writer m : group) {
          if (!m.applied && m.error == null) {
            m.error = cause;
          }
        }
        fatal = e instanceof Error err ? err : null;
      } finally {
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
      if (fatal != null) {
        throw fatal;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Under concurrency, lets the writers just released by the previous group re-enqueue before this
   * group is cut. Without it, closed-loop writers phase-lock: the released ones always arrive just
   * after the next group was formed, so each fsync carries about half of the writers. The wait
   * happens only when the previous group had several members (so a lone writer never waits), ends
   * as soon as as many writers are queued as that group had, and is bounded by half the recent
   * write+fsync time (so it cannot cost more latency than the fsync it saves). Called with the
   * queue lock held; releases it while parked.
   *
   * @param want the previous group's size (capped at the group limit)
   * @param budgetNanos the longest wait: half the recent write+fsync time, capped
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

  /** Writes, syncs and applies {@link #group}, recording each member's outcome. */
  // The counters are written only by the leader, under writeLock; volatile is for stats readers.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  @GuardedBy("writeLock")
  private void commit() {
    RuntimeException failed = failure;
    if (failed != null) {
      RuntimeException e = failedError("append", failed);
      group.forEach(m -> m.error = e);
      return;
    }
    SyncMode mode = syncMode;
    framer.reset();
    long seq = lastSeq;
    long entries = 0;
    for (Writer m : group) {
      m.firstSeq = seq + 1;
      framer.add(m.firstSeq, m.batch);
      seq += m.batch.count();
      entries += m.batch.count();
    }
    String op = "write";
    long started = System.nanoTime();
    try {
      ByteBuffer bytes = framer.bytes();
      int length = bytes.remaining();
      current.append(bytes);
      bytesWritten += length;
      if (mode == SyncMode.ALWAYS) {
        op = "sync";
        current.sync();
      }
      ioNanosAverage += (System.nanoTime() - started - ioNanosAverage) / 8;
      lastGroupSize = group.size();
      groupsWritten++;
      batchesWritten += group.size();
    } catch (IOException e) {
      KiwiIOException err = new KiwiIOException(op + " " + current.path(), e);
      poison(err);
      group.forEach(m -> m.error = err);
      return;
    }
    lastSeq = seq;
    synchronized (segments) {
      SegmentState s = segments.peekLast();
      s.entries += entries;
      s.lastSeq = seq;
    }
    liveEntries.addAndGet(entries);
    for (int i = 0; i < group.size(); i++) {
      Writer m = group.get(i);
      try {
        listener.committed(m.firstSeq, m.batch);
      } catch (RuntimeException e) {
        poison(e);
        RuntimeException later = failedError("append", e);
        m.error = e;
        for (int j = i + 1; j < group.size(); j++) {
          group.get(j).error = later;
        }
        return;
      }
      m.applied = true;
      lastCommitted = m.firstSeq + m.batch.count() - 1;
    }
  }

  private void poison(RuntimeException cause) {
    if (failure == null) {
      failure = cause;
      log.atError()
          .addKeyValue("dir", dir)
          .addKeyValue("cause", cause.toString())
          .log("write-ahead log failed; every later write is refused until the database reopens");
    }
  }

  private static BackgroundErrorException failedError(String call, RuntimeException cause) {
    return new BackgroundErrorException(call + " to the write-ahead log", cause);
  }

  private void checkUsable(String call) {
    if (closed) {
      throw new EngineClosedException("write-ahead log in " + dir, call);
    }
    RuntimeException f = failure;
    if (f != null) {
      throw failedError(call, f);
    }
  }

  /**
   * Closes the current segment (after syncing it, in every mode) and starts the next one; later
   * batches go there. Call it when freezing a memtable. It waits for the group in flight, or, from
   * inside a {@link CommitListener}, takes effect from the next group.
   *
   * @return the new segment's number
   * @throws KiwiIOException if the sync or the new segment fails (the log is then failed)
   */
  public long rollSegment() {
    writeLock.lock();
    try {
      checkUsable("rollSegment");
      long next = currentNumber + 1;
      String op = "sync " + current.path();
      try {
        current.sync();
        op = "close " + current.path();
        current.close();
        op = "create " + dir.resolve(LogFormat.fileName(next));
        startSegment(next);
      } catch (IOException e) {
        KiwiIOException err = new KiwiIOException(op, e);
        poison(err);
        throw err;
      }
      return next;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Deletes, oldest first, every segment except the current one whose records all have sequence
   * numbers at most {@code flushedSequence} (they are safely in tables), syncing the directory
   * after each so live segments stay contiguous across a crash. Stops at the first segment it must
   * keep.
   *
   * @return how many segments were deleted
   * @throws KiwiIOException if a delete fails (the log itself stays usable)
   */
  public int deleteSegmentsThrough(long flushedSequence) {
    deleteLock.lock();
    try {
      if (closed) {
        throw new EngineClosedException("write-ahead log in " + dir, "deleteSegmentsThrough");
      }
      int deleted = 0;
      while (true) {
        SegmentState s;
        synchronized (segments) {
          s = segments.peekFirst();
          if (s == null || s.number == currentNumber || s.lastSeq > flushedSequence) {
            return deleted;
          }
        }
        try {
          fs.delete(s.file);
          fs.syncDirectory(dir);
        } catch (IOException e) {
          throw new KiwiIOException("delete " + s.file, e);
        }
        synchronized (segments) {
          segments.removeFirst();
        }
        liveEntries.addAndGet(-s.entries);
        deleted++;
      }
    } finally {
      deleteLock.unlock();
    }
  }

  /**
   * Syncs the current segment now (useful in {@link SyncMode#NONE}).
   *
   * @throws KiwiIOException if the sync fails (the log is then failed)
   */
  public void sync() {
    writeLock.lock();
    try {
      checkUsable("sync");
      try {
        current.sync();
      } catch (IOException e) {
        KiwiIOException err = new KiwiIOException("sync " + current.path(), e);
        poison(err);
        throw err;
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Switches the sync mode; groups written from now on follow it. */
  public void setSyncMode(SyncMode mode) {
    syncMode = Objects.requireNonNull(mode, "mode");
  }

  /** The current sync mode. */
  public SyncMode syncMode() {
    return syncMode;
  }

  /** The last sequence number written and applied (the seed given to {@link #open} at first). */
  public long lastSequence() {
    return lastCommitted;
  }

  /**
   * Operations (entries) in the live segments: written since open plus those recovered from
   * segments not yet deleted. The engine reports it as {@code wal_entry_count} without re-reading.
   */
  public long liveEntryCount() {
    return liveEntries.get();
  }

  /**
   * Commit groups written since open: with {@link #batchesWritten()}, the average group size, the
   * measure of how much group commit is saving.
   */
  public long groupsWritten() {
    return groupsWritten;
  }

  /** Record bytes (framing included, segment headers not) appended since open. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Batches written since open. */
  public long batchesWritten() {
    return batchesWritten;
  }

  /** The number of the segment being written. */
  public long currentSegment() {
    return currentNumber;
  }

  /** The numbers of the live segments, oldest first (the last is the current one). */
  public List<Long> liveSegments() {
    synchronized (segments) {
      List<Long> out = new ArrayList<>(segments.size());
      segments.forEach(s -> out.add(s.number));
      return out;
    }
  }

  /** Writers queued or being written now; for tests that stage a group. */
  int queuedWriters() {
    queueLock.lock();
    try {
      return queue.size();
    } finally {
      queueLock.unlock();
    }
  }

  /** The log's directory. */
  public Path directory() {
    return dir;
  }

  /** The failure that stopped the log, or {@code null} while it is healthy. */
  public RuntimeException failure() {
    return failure;
  }

  /**
   * Waits for queued writers, then syncs (unless the log already failed) and closes the current
   * segment. Idempotent; every later call except this one fails with {@link EngineClosedException}.
   *
   * @throws KiwiIOException if the final sync fails
   */
  @Override
  public void close() {
    queueLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      while (!queue.isEmpty()) {
        drained.awaitUninterruptibly();
      }
    } finally {
      queueLock.unlock();
    }
    writeLock.lock();
    try {
      KiwiIOException err = null;
      if (failure == null) {
        try {
          current.sync();
        } catch (IOException e) {
          err = new KiwiIOException("sync " + current.path(), e);
          poison(err);
        }
      }
      try {
        current.close();
      } catch (IOException e) {
        if (err == null) {
          err = new KiwiIOException("close " + current.path(), e);
        }
      }
      if (err != null) {
        throw err;
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "WriteAheadLog[" + dir + ", segment " + currentNumber + ", " + syncMode + "]";
  }
}
