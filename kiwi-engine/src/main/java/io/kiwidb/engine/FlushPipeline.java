package io.kiwidb.engine;

import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.VersionPruningIterator;
import io.kiwidb.memtable.FrozenMemTable;
import io.kiwidb.sstable.TableBuilder;
import io.kiwidb.sstable.TableProperties;
import io.kiwidb.sstable.manifest.VersionEdit;
import io.kiwidb.wal.SyncMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
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
final class FlushPipeline {
  private static final Logger log = LoggerFactory.getLogger(FlushPipeline.class);

  private final EngineCore core;
  private final WorkerPool pool = new WorkerPool(this::run);
  private final Set<FrozenMemTable> claimed = Collections.newSetFromMap(new IdentityHashMap<>());
  private volatile boolean stopping;

  FlushPipeline(EngineCore core) {
    this.core = core;
  }

  void start(int workerCount, ThreadFactory threads) {
    pool.start(workerCount, threads);
  }

  /** Changes the number of workers (live config). */
  void setWorkers(int count) {
    pool.setWorkers(count);
  }

  void wake() {
    pool.wake();
  }

  /** Stops taking work once the queue is empty, and waits (bounded) for the workers. */
  void stopAndDrain(Duration timeout) {
    stopping = true;
    wake();
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
      core.setBackgroundError("flush", t);
      wake();
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
        if (core.backgroundError() != null || pool.retired(id)) {
          return null;
        }
        for (FrozenMemTable m : core.memTables().immutables()) {
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
    EngineParts parts = core.parts;
    // Invariant: no table holds a write the WAL has not made durable. Under wal_sync_mode=none the
    // memtable's last writes may still sit unsynced in the log (a roll requested inside a commit
    // is deferred to the next group), so sync it once per flush. Without this, a power cut after
    // the table's sync but before its manifest edit leaves a table beyond the WAL, which the opener
    // must read as a manifest that lost an edit (docs/engine.md) and refuses to open.
    if (parts.wal.syncMode() == SyncMode.NONE) {
      parts.wal.sync();
    }
    long number = parts.tables.versions().newFileNumber();
    Path path = parts.tables.versions().tablePath(number);
    long start = System.nanoTime();
    InternalIterator it = m.iterator();
    it.seekToFirst();
    // Versions no snapshot can see are dropped here already, as a compaction would drop them
    // later: a key overwritten while it sat in the memtable is written once, not once per put.
    // Tombstones all stay (ANY): the flush cannot know what older tables hold.
    try (TableBuilder builder = TableBuilder.create(parts.fs, path, parts.tableOptions);
        VersionPruningIterator pruned =
            new VersionPruningIterator(
                it, core.snapshots().sequences(), VersionPruningIterator.DeeperLevels.ANY)) {
      while (pruned.hasNext()) {
        builder.add(pruned.next());
      }
      TableProperties props = builder.finish();
      parts.fs.syncDirectory(path.getParent());
      TableMeta meta = props.toMeta(number, 0, parts.fs.size(path));
      log.atInfo()
          .setMessage("Flushed memtable to L0")
          .addKeyValue("snapshot_id", m.snapshotId())
          .addKeyValue("file", number)
          .addKeyValue("entries", meta.entryCount())
          .addKeyValue("bytes", meta.sizeBytes())
          .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000)
          .log();
      return meta;
    } catch (IOException | RuntimeException e) {
      // Not in any version: delete it now (the orphan sweep at the next open would, too).
      parts.fs.deleteIfExists(path);
      throw e;
    }
  }

  /** Installs tables oldest memtable first; see the class comment. */
  private void install(FrozenMemTable m, TableMeta table) throws InterruptedException {
    EngineParts parts = core.parts;
    pool.lock.lock();
    try {
      while (core.memTables().oldestImmutable().orElse(null) != m) {
        if (core.backgroundError() != null) {
          return;
        }
        pool.changed.await(200, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.lock.unlock();
    }
    // Only the worker holding the oldest memtable gets here, and the next one cannot until
    // removeFlushed, so the install needs no lock of ours. Taking none matters: removeFlushed takes
    // the memtable write lock, under which a freeze calls wake(), which takes ours.
    parts
        .tables
        .versions()
        .logAndApply(new VersionEdit().addFile(table).setLastSequence(m.maxSeq()));
    core.memTables().removeFlushed(m);
    core.counters().flushes.increment();
    core.counters().bytesFlushed.add(table.sizeBytes());
    pool.lock.lock();
    try {
      claimed.remove(m);
      pool.changed.signalAll();
    } finally {
      pool.lock.unlock();
    }
    parts.wal.deleteSegmentsThrough(m.maxSeq());
    parts.writeStall.l0Changed();
    parts.compactions.wake();
  }
}
