package io.kiwidb.compaction.merge;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The garbage collector of a compaction (what RocksDB calls the compaction iterator): reads the
 * merged input in internal key order and yields only the versions some reader can still see.
 *
 * <p><b>Rules.</b> Live snapshots at sequences {@code s0 < s1 < ... < sk} cut each key's history
 * into stripes {@code (-inf, s0], (s0, s1], ..., (sk, +inf)}; the last stripe belongs to readers
 * that have no snapshot. A reader at {@code s} sees the newest version with {@code seq <= s}, so in
 * each stripe only the newest version can ever be seen:
 *
 * <ol>
 *   <li>Within a stripe, every version but the newest is dropped (shadowed).
 *   <li>A kept tombstone is dropped when no older version of its key survives in the output and
 *       {@link DeeperLevels#mayContain} says no level below the output can hold the key: then every
 *       reader finds the key absent with or without the tombstone. Applied from the oldest kept
 *       version upwards, so a run of tombstones at the bottom of a key's history all go.
 *   <li>Everything else is kept, in input order.
 * </ol>
 *
 * <p>Consequence (tested against a model): for every live snapshot and for a reader without one,
 * the value of every key (or its absence) is the same before and after.
 *
 * <p>Memory: per user key it buffers at most one version per stripe ({@code snapshots + 1}), no
 * matter how many versions the input holds. Keys and values it yields are copies, so the input may
 * reuse its buffers.
 *
 * <p>Thread safety: none; one thread, like the input iterator.
 */
public final class VersionPruningIterator implements Iterator<InternalEntry>, AutoCloseable {
  /**
   * Whether levels below the compaction's output level may hold a user key. Answering {@code true}
   * when unsure is always safe (tombstones are kept); {@code false} must be certain.
   */
  @FunctionalInterface
  public interface DeeperLevels {
    /** For a compaction into the bottommost level of its key range: nothing lies below. */
    DeeperLevels NONE = key -> false;

    /** The conservative answer: anything may lie below, so no tombstone is dropped. */
    DeeperLevels ANY = key -> true;

    /** Whether some level below the output level may hold {@code userKey}. */
    boolean mayContain(byte[] userKey);

    /**
     * The answer for a compaction into {@code outputLevel} of {@code view}: whether a file of a
     * deeper level covers the key's range (a binary search per level, since L1 and deeper do not
     * overlap). {@link #NONE} when no deeper level has any file, so the output is bottommost. Files
     * that other compactions are writing into deeper levels cannot matter: they would have to
     * overlap this compaction's inputs, which the pickers prevent.
     */
    static DeeperLevels below(LevelView view, int outputLevel) {
      List<TableMeta[]> deeper = new ArrayList<>();
      for (int level = outputLevel + 1; level < view.levelCount(); level++) {
        if (!view.level(level).isEmpty()) {
          TableMeta[] files = view.level(level).toArray(new TableMeta[0]);
          Arrays.sort(files, (a, b) -> KeyOrder.compareKeys(a.smallestKey(), b.smallestKey()));
          deeper.add(files);
        }
      }
      if (deeper.isEmpty()) {
        return NONE;
      }
      return key -> {
        for (TableMeta[] files : deeper) {
          if (covers(files, key)) {
            return true;
          }
        }
        return false;
      };
    }

    private static boolean covers(TableMeta[] files, byte[] key) {
      // The last file whose smallest key is <= key is the only one that can hold it.
      int lo = 0;
      int hi = files.length - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (KeyOrder.compareKeys(files[mid].smallestKey(), key) <= 0) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found >= 0 && KeyOrder.compareKeys(key, files[found].largestKey()) <= 0;
    }
  }

  private final InternalIterator input;
  private final long[] snapshots;
  private final DeeperLevels deeper;
  private final ArrayDeque<InternalEntry> ready = new ArrayDeque<>();
  private final List<InternalEntry> kept = new ArrayList<>();
  private byte[] lastKey;
  private long lastSeq;
  private long read;
  private long droppedShadowed;
  private long droppedTombstones;

  /**
   * Prunes {@code input} from its current position to its end (position it first, usually with
   * {@link InternalIterator#seekToFirst}).
   *
   * @param input the merged compaction input; owned by this iterator and closed with it
   * @param snapshots the sequences of every live snapshot, in any order
   * @param deeper whether levels below the output may hold a key; {@link DeeperLevels#NONE} for a
   *     compaction into the bottommost level
   */
  public VersionPruningIterator(
      InternalIterator input, Collection<Long> snapshots, DeeperLevels deeper) {
    this.input = input;
    this.snapshots = snapshots.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    this.deeper = deeper;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && input.isValid()) {
      pruneOneKey();
    }
    return !ready.isEmpty();
  }

  @Override
  public InternalEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries");
    }
    return ready.poll();
  }

  /** Entries read from the input so far. */
  public long entriesRead() {
    return read;
  }

  /** Versions dropped because a newer version in the same stripe shadows them. */
  public long droppedShadowed() {
    return droppedShadowed;
  }

  /** Tombstones dropped because nothing older remains for them to hide. */
  public long droppedTombstones() {
    return droppedTombstones;
  }

  /** Closes the input. */
  @Override
  public void close() {
    input.close();
  }

  private void pruneOneKey() {
    byte[] key = input.key().clone();
    kept.clear();
    int lastStripe = -1;
    while (input.isValid() && Arrays.equals(input.key(), key)) {
      long seq = input.seq();
      checkOrder(key, seq);
      read++;
      // Sequences fall as we walk a key's versions, so stripe indices never rise.
      int stripe = stripeOf(seq);
      if (stripe != lastStripe) {
        byte[] value = input.value();
        kept.add(new InternalEntry(key, seq, input.kind(), value == null ? null : value.clone()));
        lastStripe = stripe;
      } else {
        droppedShadowed++;
      }
      input.next();
    }
    if (!kept.isEmpty() && kept.get(kept.size() - 1).isTombstone() && !deeper.mayContain(key)) {
      while (!kept.isEmpty() && kept.get(kept.size() - 1).isTombstone()) {
        kept.remove(kept.size() - 1);
        droppedTombstones++;
      }
    }
    ready.addAll(kept);
  }

  /** The index of the stripe holding {@code seq}: the first snapshot {@code >= seq}, or k+1. */
  private int stripeOf(long seq) {
    int i = Arrays.binarySearch(snapshots, seq);
    return i >= 0 ? i : -i - 1;
  }

  private void checkOrder(byte[] key, long seq) {
    if (lastKey != null && KeyOrder.compareInternal(lastKey, lastSeq, key, seq) > 0) {
      throw new IllegalStateException(
          "compaction input out of order: "
              + Bytes.toDisplay(key)
              + " @"
              + seq
              + " after "
              + Bytes.toDisplay(lastKey)
              + " @"
              + lastSeq);
    }
    lastKey = key;
    lastSeq = seq;
  }
}
