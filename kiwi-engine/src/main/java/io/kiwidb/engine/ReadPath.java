package io.kiwidb.engine;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.compaction.InternalIterators;
import io.kiwidb.engine.read.ScanIterator;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableVersion;
import jakarta.inject.Inject;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Point reads, traces, snapshots and scans.
 *
 * <p>A read takes the visible sequence, then looks in the memtables (active, then immutable newest
 * first), then acquires the current table version and consults its tables in lookup order. The
 * flush pipeline installs a table before it drops the memtable it came from, and readers look at
 * memtables before they acquire the version, so a version is never missed between the two. A read
 * of the latest state (no snapshot) starts over if a flush was installed meanwhile, since a
 * compaction of that flush may have dropped the version it needs (see {@link #tablesStillMatch}).
 *
 * <p>An iterator pins the version it reads until it is closed; one dropped without {@code close()}
 * is released when the garbage collector finds it, and counted as a leak.
 *
 * <p>Thread safety: safe from any thread; reads take no lock.
 */
final class ReadPath {
  private static final Logger log = LoggerFactory.getLogger(ReadPath.class);
  private static final Cleaner CLEANER = Cleaner.create();

  private final MemTableSet memTables;
  private final TableStore tables;
  private final Sequencer sequencer;
  private final SnapshotList snapshots;
  private final Counters counters;

  @Inject
  ReadPath(
      MemTableSet memTables,
      TableStore tables,
      Sequencer sequencer,
      SnapshotList snapshots,
      Counters counters) {
    this.memTables = memTables;
    this.tables = tables;
    this.sequencer = sequencer;
    this.snapshots = snapshots;
    this.counters = counters;
  }

  /** A read at a snapshot's sequence (registered, so compaction keeps what it sees). */
  Optional<byte[]> get(byte[] key, long readSeq) {
    counters.reads.increment();
    return valueOf(lookup(key, readSeq, null));
  }

  /** A read of the latest state; see {@link #tablesStillMatch} for why it may start over. */
  Optional<byte[]> getLatest(byte[] key) {
    counters.reads.increment();
    while (true) {
      long readSeq = sequencer.visible();
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
   * every flush raises the tables' last sequence to its own last sequence before its version is
   * published. So when the last sequence is still at or below {@code readSeq} after the read,
   * nothing was lost; otherwise the caller starts over at the new visible sequence (rare: it takes
   * a flush between two steps of one read).
   */
  private boolean tablesStillMatch(long readSeq) {
    return tables.lastSequence() <= readSeq;
  }

  LookupTrace trace(byte[] key) {
    long readSeq;
    List<LookupTrace.Step> steps;
    InternalEntry found;
    do {
      readSeq = sequencer.visible();
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
        steps == null ? memTables.get(key, readSeq) : memTables.trace(key, readSeq, steps);
    return e != null ? e : tables.get(key, readSeq, steps);
  }

  Snapshot snapshot(Runnable checkOpen) {
    return snapshots.take(sequencer::visible, checkOpen);
  }

  /**
   * An iterator over the live keys {@code options} selects.
   *
   * @param liveness checks, on each step, that the engine is still open (naming the call)
   */
  KiwiIterator iterator(ScanOptions options, ScanIterator.Liveness liveness) {
    boolean latest = options.snapshot() == null;
    long readSeq;
    List<InternalIterator> sources;
    TableVersion version;
    while (true) {
      readSeq = latest ? sequencer.visible() : options.snapshot().sequence();
      // Memtables before the version: see the class comment.
      sources = new ArrayList<>(memTables.newIterators());
      version = tables.acquire();
      if (!latest || tablesStillMatch(readSeq)) {
        break;
      }
      for (InternalIterator source : sources) {
        source.close();
      }
      version.close();
    }
    sources.addAll(version.iterators());
    byte[][] bounds =
        ScanIterator.bounds(options.lowerBound(), options.upperBound(), options.prefix());
    IteratorRelease release = new IteratorRelease(version, counters);
    ScanIterator it =
        new ScanIterator(
            InternalIterators.merge(sources),
            readSeq,
            bounds[0],
            bounds[1],
            liveness,
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
    private final TableVersion version;
    private final Counters counters;
    private final AtomicBoolean done = new AtomicBoolean();
    volatile Cleaner.Cleanable cleanable;

    IteratorRelease(TableVersion version, Counters counters) {
      this.version = version;
      this.counters = counters;
    }

    void closeNormally() {
      if (done.compareAndSet(false, true)) {
        version.close();
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
        version.close();
      }
    }
  }
}
