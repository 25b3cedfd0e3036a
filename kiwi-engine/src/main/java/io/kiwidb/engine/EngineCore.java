package io.kiwidb.engine;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteStallException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.LevelIterator;
import io.kiwidb.compaction.MergingIterator;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.engine.read.ScanIterator;
import io.kiwidb.memtable.FrozenMemTable;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.manifest.Version;
import io.kiwidb.sstable.manifest.VersionRef;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WriteAheadLog;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine: the components opened by {@link EngineOpener} and the write path, read path,
 * inspection views and close that {@link LsmEngine} delegates to.
 *
 * <h2>Write path</h2>
 *
 * <p>A write first waits for room ({@link MemTableSet#awaitRoom} when the immutable queue is full,
 * the L0 stall in {@link WriteStall}), then hands its batch to the WAL's group commit. The group's
 * leader writes and syncs the group once, then calls {@link #applyCommitted} for each batch in
 * sequence order; that inserts the batch into the active memtable and publishes the visible
 * sequence, then freezes the memtable if it is full. So a batch is visible only once durable, all
 * at once, and in log order.
 *
 * <p>Lock order: the WAL's write lock (held by the leader during {@code applyCommitted}) before the
 * memtable write lock. {@link #flush()} freezes under the memtable lock alone and rolls the WAL
 * segment after releasing it (unless a commit got there first).
 *
 * <h2>Read path</h2>
 *
 * <p>A read takes the visible sequence, then looks in the memtables (active, then immutable newest
 * first), then acquires the current {@link Version} and consults its tables in the order {@link
 * Version#filesForKey} gives. The flush pipeline installs a table before it drops the memtable it
 * came from, and readers look at memtables before they acquire the version, so a version is never
 * missed between the two. A read of the latest state (no snapshot) starts over if a flush was
 * installed meanwhile, since a compaction of that flush may have dropped the version it needs (see
 * {@link #tablesStillMatch}).
 *
 * <p>Thread safety: safe from any thread.
 */
final class EngineCore {
  private static final Logger log = LoggerFactory.getLogger(EngineCore.class);
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  final EngineParts parts;
  private final Counters counters = new Counters();
  private final SnapshotList snapshots = new SnapshotList();
  private final CompactionHistory compactionHistory = new CompactionHistory();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long visibleSeq;
  private volatile Throwable backgroundError;

  /**
   * Set by each freeze: the WAL segment must be rolled, so the frozen memtable's records end a
   * segment that can be deleted once it is flushed. Whoever clears it (the next commit, or {@link
   * #flush()} itself) does the roll, so one freeze rolls once.
   */
  private final AtomicBoolean rollPending = new AtomicBoolean();

  /**
   * How long close waits for the flush pipeline (the reference's 30 s). Not a config key: only
   * tests shorten it, to see the timeout path without waiting for it.
   */
  private volatile Duration drainTimeout = DRAIN_TIMEOUT;

  EngineCore(EngineParts parts, long lastSequence) {
    this.parts = parts;
    this.visibleSeq = lastSequence;
  }

  static EngineCore open(FileSystem fs, Path dataRoot, Path configPath) {
    return EngineOpener.open(fs, dataRoot, configPath);
  }

  // ---------------------------------------------------------------- state checks

  void checkOpen(String call) {
    if (closed.get()) {
      throw LsmEngine.closed(parts.dataRoot, call);
    }
  }

  void checkWritable(String call) {
    checkOpen(call);
    Throwable error = backgroundError;
    if (error != null) {
      throw LsmEngine.background(call, error);
    }
  }

  Throwable backgroundError() {
    return backgroundError;
  }

  /** Records a background failure; every later write fails with it. */
  void setBackgroundError(String what, Throwable error) {
    if (backgroundError == null) {
      backgroundError = error;
    }
    counters.backgroundErrors.increment();
    // Writers waiting for room in the immutable queue would otherwise wait out
    // backpressure_timeout for a flush that will never come.
    parts.memTables.wakeWaiters();
    log.atError()
        .setMessage("Background error; writes are refused until reopen")
        .addKeyValue("job", what)
        .addKeyValue("error", error.toString())
        .setCause(error)
        .log();
  }

  long visibleSequence() {
    return visibleSeq;
  }

  Counters counters() {
    return counters;
  }

  SnapshotList snapshots() {
    return snapshots;
  }

  CompactionHistory compactionHistory() {
    return compactionHistory;
  }

  MemTableSet memTables() {
    return parts.memTables;
  }

  Path dataRoot() {
    return parts.dataRoot;
  }

  int logPort() {
    return parts.logging().logPort();
  }

  ExecutorService asyncExecutor() {
    return parts.asyncExecutor;
  }

  /** Tags the calling thread with this engine for the duration of a call that may log. */
  EngineLogging.Scope logScope() {
    return parts.logging().enter();
  }

  // ---------------------------------------------------------------- writes

  void write(List<WriteBatch.Operation> ops, String call) {
    parts.writeStall.beforeWrite(this);
    MemTableSet mems = parts.memTables;
    mems.writeLock().lock();
    try {
      // Waiting for the flush pipeline to make room is a write stall like an L0 stall, and is
      // counted with it. Only a full queue can make awaitRoom wait, so only then is it timed.
      boolean mayWait = mems.queueLength() >= mems.options().immutableQueueMaxLen();
      long start = mayWait ? System.nanoTime() : 0;
      try {
        // The recheck fails a waiting writer at once when the flush pipeline fails meanwhile.
        mems.awaitRoom(() -> checkWritable(call));
      } catch (WriteStallException e) {
        // The queue never drained because the flush pipeline failed: say that, not "stalled".
        Throwable error = backgroundError;
        if (error != null) {
          BackgroundErrorException refused = LsmEngine.background(call, error);
          refused.addSuppressed(e);
          throw refused;
        }
        throw e;
      } finally {
        if (mayWait) {
          counters.stallNanos.add(System.nanoTime() - start);
        }
      }
    } finally {
      mems.writeLock().unlock();
    }
    try {
      parts.wal.append(WalBatch.of(ops, System.currentTimeMillis()));
    } catch (KiwiException e) {
      log.atError()
          .setMessage("Engine write failed")
          .addKeyValue("call", call)
          .addKeyValue("error", e.toString())
          .log();
      throw e;
    }
    counters.writes.add(ops.size());
    counters.bytesWritten.add(userBytes(ops));
  }

  /** Key plus value bytes of a batch's operations (the denominator of write amplification). */
  private static long userBytes(List<WriteBatch.Operation> ops) {
    long bytes = 0;
    for (WriteBatch.Operation op : ops) {
      bytes += op.key().length + (op.value() == null ? 0 : op.value().length);
    }
    return bytes;
  }

  /** The WAL's commit listener: applies a durable batch, in sequence order, on the leader. */
  void applyCommitted(long firstSeq, WalBatch batch) {
    MemTableSet mems = parts.memTables;
    WriteAheadLog wal = parts.wal;
    mems.writeLock().lock();
    try {
      visibleSeq = addBatch(mems, firstSeq, batch);
      mems.maybeFreeze();
      if (rollPending.compareAndSet(true, false)) {
        wal.rollSegment();
      }
    } finally {
      mems.writeLock().unlock();
    }
  }

  /**
   * Adds a batch's operations to the active memtable with sequences from {@code firstSeq}. Caller
   * holds the memtable write lock. (Recovery does not come here: it sorts and bulk-loads through
   * {@code ReplayBuffer}.)
   *
   * @return the batch's last sequence number
   */
  private static long addBatch(MemTableSet mems, long firstSeq, WalBatch batch) {
    long seq = firstSeq;
    for (WriteBatch.Operation op : batch.operations()) {
      mems.add(op.key(), seq, op.isDelete() ? EntryKind.DELETE : EntryKind.PUT, op.value());
      seq++;
    }
    return seq - 1;
  }

  /** Called by the memtable set under its write lock whenever a memtable is frozen. */
  void onFreeze(FrozenMemTable frozen) {
    rollPending.set(true);
    log.atInfo()
        .setMessage("MemTable frozen")
        .addKeyValue("snapshot_id", frozen.snapshotId())
        .addKeyValue("entries", frozen.entryCount())
        .addKeyValue("size_bytes", frozen.sizeBytes())
        .log();
    FlushPipeline pipeline = parts.flushPipeline;
    if (pipeline != null) {
      pipeline.wake();
    }
  }

  boolean flush() {
    log.info("Engine FLUSH (manual) requested");
    MemTableSet mems = parts.memTables;
    Optional<FrozenMemTable> frozen;
    mems.writeLock().lock();
    try {
      frozen = mems.forceFreeze();
    } finally {
      mems.writeLock().unlock();
    }
    if (frozen.isEmpty()) {
      log.info("Engine FLUSH skipped (empty memtable)");
      return false;
    }
    // Roll the WAL now rather than at the next write, which would otherwise land in the frozen
    // memtable's segment and keep it alive until the following flush. Outside the memtable lock:
    // the WAL's lock comes first in the lock order.
    if (rollPending.compareAndSet(true, false)) {
      parts.wal.rollSegment();
      // The flush worker may have installed the table before this roll; its delete then had to
      // keep the segment, which was still current. Delete what tables now cover, or the segment
      // would stay until the next flush.
      parts.wal.deleteSegmentsThrough(parts.tables.versions().lastSequence());
    }
    log.atInfo()
        .setMessage("Engine FLUSH queued")
        .addKeyValue("snapshot_id", frozen.get().snapshotId())
        .addKeyValue("entry_count", frozen.get().entryCount())
        .log();
    return true;
  }

  // ---------------------------------------------------------------- reads

  /** A read at a snapshot's sequence (registered, so compaction keeps what it sees). */
  Optional<byte[]> get(byte[] key, long readSeq) {
    counters.reads.increment();
    return valueOf(lookup(key, readSeq, null));
  }

  /** A read of the latest state; see {@link #tablesStillMatch} for why it may start over. */
  Optional<byte[]> getLatest(byte[] key) {
    counters.reads.increment();
    while (true) {
      long readSeq = visibleSeq;
      InternalEntry found = lookup(key, readSeq, null);
      if (tablesStillMatch(readSeq)) {
        return valueOf(found);
      }
    }
  }

  private static Optional<byte[]> valueOf(InternalEntry found) {
    // The memtable hands out its own array; the caller gets a copy it may change freely.
    return found == null || found.isTombstone()
        ? Optional.empty()
        : Optional.of(found.value().clone());
  }

  /**
   * Whether tables read for a latest-state read at {@code readSeq} could not have lost a version
   * that read needs. Such a read's sequence is not registered as a snapshot, so a compaction that
   * ran while the read was in flight keeps, of each key, only the newest version in its inputs; if
   * that version was written after {@code readSeq}, the version the read should see is gone from
   * the tables it then acquires, and the read would find an older one or none. A version written
   * after {@code readSeq} can only be in a table through a flush installed during the read, and
   * every flush raises the table set's last sequence to its own last sequence before its version is
   * published. So when the last sequence is still at or below {@code readSeq} after the read,
   * nothing was lost; otherwise the caller starts over at the new visible sequence (rare: it takes
   * a flush between two steps of one read).
   */
  private boolean tablesStillMatch(long readSeq) {
    return parts.tables.versions().lastSequence() <= readSeq;
  }

  LookupTrace trace(byte[] key) {
    long readSeq;
    List<LookupTrace.Step> steps;
    InternalEntry found;
    do {
      readSeq = visibleSeq;
      steps = new ArrayList<>();
      found = lookup(key, readSeq, steps);
    } while (!tablesStillMatch(readSeq));
    LookupTrace.Answer outcome =
        found == null
            ? LookupTrace.Answer.ABSENT
            : found.isTombstone() ? LookupTrace.Answer.TOMBSTONE : LookupTrace.Answer.FOUND;
    return new LookupTrace(
        key.clone(),
        readSeq,
        steps,
        outcome,
        found == null || found.isTombstone() ? null : found.value().clone());
  }

  /**
   * The newest version of {@code key} visible at {@code readSeq}, or null; when {@code steps} is
   * not null, every layer visited is recorded there.
   */
  private InternalEntry lookup(byte[] key, long readSeq, List<LookupTrace.Step> steps) {
    InternalEntry e =
        steps == null
            ? parts.memTables.get(key, readSeq)
            : parts.memTables.trace(key, readSeq, steps);
    return e != null ? e : parts.tables.get(key, readSeq, steps);
  }

  Snapshot snapshot() {
    return snapshots.take(() -> visibleSeq, () -> checkOpen("snapshot"));
  }

  KiwiIterator iterator(ScanOptions options) {
    boolean latest = options.snapshot() == null;
    long readSeq;
    List<InternalIterator> sources;
    VersionRef ref;
    while (true) {
      readSeq = latest ? visibleSeq : options.snapshot().sequence();
      // Memtables before the version: see the read path in the class comment.
      sources = new ArrayList<>(parts.memTables.newIterators());
      ref = parts.tables.versions().acquire();
      if (!latest || tablesStillMatch(readSeq)) {
        break;
      }
      for (InternalIterator source : sources) {
        source.close();
      }
      ref.close();
    }
    byte[][] bounds =
        ScanIterator.bounds(options.lowerBound(), options.upperBound(), options.prefix());
    Version v = ref.version();
    for (TableMeta t : v.level(0)) {
      sources.add(parts.tables.iterator(t));
    }
    for (int level = 1; level < v.levelCount(); level++) {
      if (!v.level(level).isEmpty()) {
        sources.add(new LevelIterator(v.level(level), parts.tables::iterator));
      }
    }
    IteratorRelease release = new IteratorRelease(ref, counters);
    ScanIterator it =
        new ScanIterator(
            new MergingIterator(sources),
            readSeq,
            bounds[0],
            bounds[1],
            this::checkOpen,
            release::closeNormally);
    release.cleanable = CLEANER.register(it, release);
    return it;
  }

  /**
   * Releases an iterator's pinned version exactly once: on close, or, for an iterator dropped
   * without close, when the garbage collector finds it (counted as a leak). Holds no reference to
   * the iterator itself, or it would never become unreachable.
   */
  private static final class IteratorRelease implements Runnable {
    private final VersionRef ref;
    private final Counters counters;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile Cleaner.Cleanable cleanable;

    IteratorRelease(VersionRef ref, Counters counters) {
      this.ref = ref;
      this.counters = counters;
    }

    void closeNormally() {
      if (done.compareAndSet(false, true)) {
        ref.close();
        Cleaner.Cleanable c = cleanable;
        if (c != null) {
          c.clean();
        }
      }
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        counters.leakedIterators.increment();
        log.warn("An iterator was garbage-collected without close(); its files were released");
        ref.close();
      }
    }
  }

  // ---------------------------------------------------------------- inspection

  EngineStats stats() {
    MemTableSet mems = parts.memTables;
    var active = mems.activeSummary();
    List<String> snapshotIds = new ArrayList<>();
    for (var s : mems.immutableSummaries()) {
      snapshotIds.add(s.snapshotId());
    }
    var cache = parts.tables.blockCache().stats();
    long hits = cache.data().hits() + cache.index().hits() + cache.filter().hits();
    long misses = cache.data().misses() + cache.index().misses() + cache.filter().misses();
    long memEntries = active.entryCount();
    for (var s : mems.immutableSummaries()) {
      memEntries += s.entryCount();
    }
    long tableEstimate = 0;
    try (VersionRef ref = parts.tables.versions().acquire()) {
      Version v = ref.version();
      for (int level = 0; level < v.levelCount(); level++) {
        for (TableMeta t : v.level(level)) {
          tableEstimate += t.entryCount() - t.tombstoneCount();
        }
      }
    }
    return new EngineStats(
        active.entryCount(),
        visibleSeq,
        parts.wal.liveEntryCount(),
        parts.dataRoot.toString(),
        active.tableId(),
        active.sizeBytes(),
        snapshotIds.size(),
        snapshotIds,
        parts.tables.l0Count(),
        counters.snapshot(hits, misses, parts.wal.bytesWritten()),
        implementations(),
        memEntries + tableEstimate);
  }

  /** The implementation names in use, by config key (memtable_impl applies from open). */
  private Map<String, String> implementations() {
    var c = parts.config().effective();
    Map<String, String> names = new java.util.LinkedHashMap<>();
    names.put(io.kiwidb.engine.config.ConfigKeys.MEMTABLE_IMPL.name(), c.memtableImpl());
    names.put(io.kiwidb.engine.config.ConfigKeys.FILTER_POLICY.name(), c.filterPolicy());
    names.put(
        io.kiwidb.engine.config.ConfigKeys.COMPACTION_STRATEGY.name(), c.compactionStrategy());
    names.put(io.kiwidb.engine.config.ConfigKeys.COMPRESSION.name(), c.compression());
    return names;
  }

  CompactionActivity compactions() {
    return compactionHistory.snapshot();
  }

  DiskListing showDisk() {
    return parts.tables.showDisk();
  }

  TableDetail showDisk(String fileId) {
    return parts.tables.showDisk(fileId);
  }

  ConfigChange updateConfig(String key, Object value) {
    return parts.config().update(key, value);
  }

  Map<String, Object> configMap() {
    return parts.config().current().asMap();
  }

  // ---------------------------------------------------------------- close

  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    log.atInfo().setMessage("Shutdown started").addKeyValue("data_root", parts.dataRoot).log();
    parts.compactions.stop();
    parts.flushPipeline.stopAndDrain(drainTimeout);
    var active = parts.memTables.activeSummary();
    log.atInfo()
        .setMessage("MemTable state at shutdown")
        .addKeyValue("active_entries", active.entryCount())
        .addKeyValue("active_size_bytes", active.sizeBytes())
        .addKeyValue("immutable_queue_len", parts.memTables.queueLength())
        .addKeyValue("seq", visibleSeq)
        .log();
    int port = logPort();
    RuntimeException walFailure =
        parts.closeAll(
            () -> {
              if (port != 0) {
                log.atInfo().setMessage("Log server stopping").addKeyValue("port", port).log();
              }
              log.info("Shutdown complete");
            });
    if (walFailure != null) {
      // Everything is closed; but a failed final WAL sync must not look like a clean close.
      throw walFailure;
    }
  }

  /** Shortens the close drain timeout (tests of the timeout path). */
  void setDrainTimeout(Duration timeout) {
    drainTimeout = timeout;
  }
}
