package io.kiwidb.engine;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.memtable.FrozenMemTable;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WriteAheadLog;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns immutable memtables into L0 tables: {@code flush_max_workers} threads each claim the oldest
 * unclaimed memtable and write its table in parallel, but install strictly oldest first.
 *
 * <p>Why the order matters: a read looks at memtables before tables, and L0 is searched newest
 * first. Were a newer memtable's table installed (and the memtable dropped) before an older one's,
 * a read could find the older memtable's stale version of a key before reaching the newer version
 * in L0. Installing in order also makes "every sequence up to this memtable's last is in tables"
 * true at each install, which is what lets the WAL delete its segments by sequence.
 *
 * <p>Invariants: a memtable leaves the queue only after its table is in the manifest and the
 * current version; a failed flush sets the engine's background error and stops the pipeline (the
 * memtable stays, its data stays in the WAL, and a reopen flushes it again).
 *
 * <p>Thread safety: {@link #wake} and {@link #stopAndDrain} may be called from any thread.
 */
final class FlushPipeline implements FlushTrigger {
  private static final Logger log = LoggerFactory.getLogger(FlushPipeline.class);

  private final MemTableSet memTables;
  private final Compactor compactor;
  private final TableStore tables;
  private final WriteAheadLog wal;
  private final Sequencer sequencer;
  private final SnapshotList snapshots;
  private final BackgroundErrors errors;
  private final Counters counters;
  private final WriteStall stall;
  private final CompactionTrigger compactions;
  private final WorkerPool pool = new WorkerPool(this::run);
  private final Set<FrozenMemTable> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
  private volatile boolean stopping;

  /** How often {@link #awaitAllQueuedFlushed} re-checks for a stop between wake-ups. */
  private static final Duration AWAIT_POLL = Duration.ofMillis(200);

  @Inject
  FlushPipeline(
      MemTableSet memTables,
      Compactor compactor,
      TableStore tables,
      WriteAheadLog wal,
      Sequencer sequencer,
      SnapshotList snapshots,
      BackgroundErrors errors,
      Counters counters,
      WriteStall stall,
      CompactionTrigger compactions) {
    this.memTables = memTables;
    this.compactor = compactor;
    this.tables = tables;
    this.wal = wal;
    this.sequencer = sequencer;
    this.snapshots = snapshots;
    this.errors = errors;
    this.counters = counters;
    this.stall = stall;
    this.compactions = compactions;
  }

  void start(int workerCount, ThreadFactory threads) {
    pool.start(workerCount, threads);
  }

  /** Changes the number of workers (live config). */
  void setWorkers(int count) {
    pool.setWorkers(count);
  }

  @Override
  public void memTableFrozen(FrozenMemTable frozen) {
    pool.wake();
  }

  /** Wakes the workers (after recovery left frozen memtables, or to re-check the queue). */
  void wake() {
    pool.wake();
  }

  /**
   * Waits until {@code frozen} is flushed (its table installed and the memtable gone from the
   * queue), a background error stops the pipeline, or the timeout passes.
   *
   * @return whether it was flushed
   */
  boolean awaitFlushed(FrozenMemTable frozen, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    pool.lock.lock();
    try {
      while (memTables.immutables().contains(frozen)) {
        long left = deadline - System.nanoTime();
        if (errors.get() != null || left <= 0) {
          return false;
        }
        pool.changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
      }
      return true;
    } finally {
      pool.lock.unlock();
    }
  }

  /**
   * Waits until every memtable queued now is in tables ({@code flush(true)}). Memtables are
   * installed oldest first, so this waits for the newest one queued.
   *
   * @param call the API call, for the error messages
   * @throws BackgroundErrorException if a flush fails meanwhile (the memtables stay in the WAL)
   * @throws EngineClosedException if the pipeline stops first
   */
  void awaitAllQueuedFlushed(String call) throws InterruptedException {
    List<FrozenMemTable> queued = memTables.immutables();
    if (queued.isEmpty()) {
      return;
    }
    FrozenMemTable newest = queued.get(queued.size() - 1);
    // awaitFlushed gives up at once on a background error, else every poll interval.
    while (!awaitFlushed(newest, AWAIT_POLL)) {
      errors.check(call);
      if (stopping) {
        throw new EngineClosedException("flush pipeline", call);
      }
    }
  }

  /** Stops taking work once the queue is empty, and waits (bounded) for the workers. */
  void stopAndDrain(Duration timeout) {
    stopping = true;
    pool.wake();
    if (!pool.join(timeout)) {
      log.atWarn()
          .setMessage("FlushPipeline drain timed out; unflushed memtables stay in the WAL")
          .addKeyValue("timeout_ms", timeout.toMillis())
          .log();
    }
  }

  private void run(int id) {
    try {
      FrozenMemTable m;
      while ((m = claim(id)) != null) {
        TableMeta table = build(m);
        install(m, table);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      if (stopping && Thread.currentThread().isInterrupted()) {
        // close() stopped waiting and interrupted this flush: not a fault of the store, and the
        // memtable is still in the WAL, so no background error (which would read as one).
        log.atWarn()
            .setMessage("Flush abandoned at close; the memtable stays in the WAL")
            .addKeyValue("error", t.toString())
            .log();
        return;
      }
      errors.set("flush", t);
      pool.wake();
    }
  }

  /**
   * The oldest unclaimed memtable; waits for one; null once stopping with nothing left, or when
   * this worker is surplus after {@code flush_max_workers} was lowered (checked while idle too, so
   * a surplus worker leaves at once instead of taking one more job first).
   */
  private FrozenMemTable claim(int id) throws InterruptedException {
    pool.lock.lock();
    try {
      while (true) {
        if (errors.get() != null || pool.retired(id)) {
          return null;
        }
        for (FrozenMemTable m : memTables.immutables()) {
          if (claimed.add(m)) {
            return m;
          }
        }
        if (stopping) {
          return null;
        }
        pool.changed.await(200, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.lock.unlock();
    }
  }

  private TableMeta build(FrozenMemTable m) throws IOException {
    // Invariant: no table holds a write the WAL has not made durable. Unsynced writes (NO_SYNC,
    // or wal_sync_mode=none) may still sit unforced in the log, so force it through the memtable's
    // last logged record (free when a roll or a synced writer already did). Without this, a power
    // cut after the table's sync but before its manifest edit leaves a table beyond the WAL,
    // which the opener must read as a manifest that lost an edit (docs/engine.md) and refuses to
    // open. Writes without the log have nothing to force: the table is their only copy.
    wal.syncThrough(Math.min(m.maxSeq(), wal.lastSequence()));
    // Invariant: tables hold only visible writes (compaction drops versions by the visible
    // sequence and the live snapshots). A group of synced writes is published by its writers
    // after their fsync, which may come after the freeze; the force above made the whole
    // memtable durable, so publish it here before any of it reaches a table.
    sequencer.publish(m.maxSeq());
    long start = System.nanoTime();
    TableMeta meta = compactor.flush(m.iterator(), snapshots.sequences());
    log.atInfo()
        .setMessage("Flushed memtable to L0")
        .addKeyValue("snapshot_id", m.snapshotId())
        .addKeyValue("file", meta.fileNumber())
        .addKeyValue("entries", meta.entryCount())
        .addKeyValue("bytes", meta.sizeBytes())
        .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000)
        .log();
    return meta;
  }

  /** Installs tables oldest memtable first; see the class comment. */
  private void install(FrozenMemTable m, TableMeta table) throws InterruptedException {
    pool.lock.lock();
    try {
      while (memTables.oldestImmutable().orElse(null) != m) {
        if (errors.get() != null) {
          tables.discard(table);
          return;
        }
        pool.changed.await(200, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.lock.unlock();
    }
    // Only the worker holding the oldest memtable gets here, and the next one cannot until
    // removeFlushed, so the install needs no lock of ours.
    tables.install(TableEdit.flush(table, m.maxSeq()));
    memTables.removeFlushed(m);
    counters.flushes.increment();
    counters.bytesFlushed.add(table.sizeBytes());
    pool.lock.lock();
    try {
      claimed.remove(m);
      pool.changed.signalAll();
    } finally {
      pool.lock.unlock();
    }
    wal.deleteSegmentsThrough(m.maxSeq());
    stall.l0Changed();
    compactions.levelsChanged();
  }
}
