package io.kiwidb.engine;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.Snapshot;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The live snapshots of an engine, as a multiset of sequence numbers. Compaction asks for them so
 * it keeps every version some snapshot can still see; releasing a snapshot lets it drop them.
 *
 * <p>Thread safety: all methods are synchronised on this object; the sets are small (one entry per
 * distinct live snapshot sequence) and touched only when a snapshot is taken or released and when a
 * compaction starts.
 */
final class SnapshotList {
  private final TreeMap<Long, Integer> live = new TreeMap<>();

  /** Creates an empty list. */
  @Inject
  SnapshotList() {}

  /**
   * Registers a snapshot at the sequence {@code visible} gives; the returned handle releases it
   * once.
   *
   * <p>The sequence is read under this list's lock, not by the caller beforehand. A compaction
   * reads {@link #sequences} after it has picked its inputs, so a snapshot either is in that list
   * or was registered later, at a sequence no lower than any version in the inputs (they were
   * visible when picked), whose newest versions the compaction keeps anyway. Read outside the lock,
   * a sequence could be overtaken by writes, a flush and a compaction that drop the versions it
   * needs before it is registered.
   */
  public Snapshot take(LongSupplier visible, Runnable checkOpen) {
    long seq;
    synchronized (this) {
      seq = visible.getAsLong();
      live.merge(seq, 1, Integer::sum);
    }
    return new Handle(seq, checkOpen);
  }

  /** The sequence numbers of live snapshots, ascending and distinct. */
  public synchronized List<Long> sequences() {
    return new ArrayList<>(live.keySet());
  }

  /** The oldest live snapshot sequence, or {@code Long.MAX_VALUE} when there is none. */
  public synchronized long oldest() {
    return live.isEmpty() ? Long.MAX_VALUE : live.firstKey();
  }

  /** The number of live snapshots. */
  public synchronized int count() {
    int n = 0;
    for (Map.Entry<Long, Integer> e : live.entrySet()) {
      n += e.getValue();
    }
    return n;
  }

  private synchronized void release(long seq) {
    live.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
  }

  private final class Handle implements Snapshot {
    private final long seq;
    private final Runnable checkOpen;
    private volatile boolean closed;

    Handle(long seq, Runnable checkOpen) {
      this.seq = seq;
      this.checkOpen = checkOpen;
    }

    @Override
    public long sequence() {
      if (closed) {
        throw new EngineClosedException("snapshot at sequence " + seq, "sequence");
      }
      checkOpen.run();
      return seq;
    }

    @Override
    public void close() {
      synchronized (SnapshotList.this) {
        if (closed) {
          return;
        }
        closed = true;
        release(seq);
      }
    }

    @Override
    public String toString() {
      return "Snapshot[seq=" + seq + (closed ? ", closed" : "") + "]";
    }
  }
}
