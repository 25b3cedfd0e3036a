package io.kiwidb.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.MemTable;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How recovery fills a {@link MemTableSet} from the write-ahead log: it buffers a memtable's worth
 * of replayed entries, sorts them into internal key order and bulk-loads them ({@link
 * MemTable#addSorted}), instead of inserting them one at a time.
 *
 * <p>Why: replaying a log is one long burst of writes with random keys into one memtable, and
 * inserting each into a skip list means a search from the head, a chain of cache misses once the
 * list outgrows the CPU caches. Profiling the replay put about 90% of its time in that search and
 * 10% in reading, checksumming and decoding the log. Sorting (a radix sort on key windows, see
 * {@link InternalKeySort}) plus a linear build replaces the searches with sequential work. The
 * write path cannot do this (every write must be readable as soon as it is acknowledged), but
 * during recovery no reader runs until the engine is open.
 *
 * <p>Freezing follows the write path's rule at the same record: after each batch (one log record:
 * batches are atomic and never split between memtables), when the active memtable would be full,
 * that is when its entry count plus the buffered entries reaches {@code max_memtable_entries} or
 * its {@link MemTable#sizeBytes()} plus the buffered entries' {@link MemTable#sortedEntryBytes}
 * reaches {@code max_memtable_size_mb}, the buffer is loaded and the memtable frozen, even past
 * {@code immutable_queue_max_len} (the flush pipeline drains the queue once the engine runs). The
 * bulk load charges exactly those bytes, so the prediction is the memtable's size. A memtable whose
 * {@code sortedEntryBytes} is -1 (a third-party implementation that does not support it) gets every
 * entry through one add each, as before.
 *
 * <p>Thread safety: one thread, while nothing else writes to the set (see {@link BulkLoader}).
 *
 * <p>Invariants: the active memtable plus the buffer hold every entry given since the last freeze;
 * {@code bufferedBytes} is the sum of the buffered entries' charges.
 */
final class ReplayBuffer implements BulkLoader {
  private static final int INITIAL_CAPACITY = 1024;

  /**
   * At most this many entries are buffered (arrays of 16 B per entry, plus the sort's scratch): a
   * memtable configured larger than this many entries (about 13 GB of 16-byte keys and 100-byte
   * values) gets the first part bulk-loaded and the rest through one add per entry. Correct either
   * way; it only bounds the buffer.
   */
  static final int MAX_BUFFERED = 1 << 26;

  private final MemTableQueue mems;
  private byte[][] keys = new byte[INITIAL_CAPACITY][];
  private long[] seqs = new long[INITIAL_CAPACITY];
  private byte[][] values = new byte[INITIAL_CAPACITY][];
  private int count;
  private long bufferedBytes;
  private long loadedEntries;
  private long loads;

  /**
   * A buffer in front of {@code mems}.
   *
   * @param mems the memtables recovery fills
   */
  ReplayBuffer(MemTableQueue mems) {
    this.mems = Objects.requireNonNull(mems, "mems");
  }

  /**
   * Buffers one replayed entry. Entries may come in any order; a (key, sequence) pair must not come
   * twice (the load rejects it).
   *
   * @param value the value for a PUT, {@code null} for a DELETE; retained, not copied
   * @throws IllegalArgumentException if the kind and value disagree
   */
  @Override
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    Objects.requireNonNull(key, "key");
    if ((kind == EntryKind.PUT) != (value != null)) {
      throw new IllegalArgumentException(
          kind + " entry must " + (kind == EntryKind.PUT ? "have" : "not have") + " a value");
    }
    long charge = mems.activeMemTable().sortedEntryBytes(key, value);
    if (charge < 0) {
      load(); // keep the order of anything already buffered
      mems.add(key, seq, kind, value);
      return;
    }
    if (count == MAX_BUFFERED) {
      load();
    }
    if (count == keys.length) {
      int n = Math.min(count * 2, MAX_BUFFERED);
      keys = Arrays.copyOf(keys, n);
      seqs = Arrays.copyOf(seqs, n);
      values = Arrays.copyOf(values, n);
    }
    keys[count] = key;
    seqs[count] = seq;
    values[count] = value;
    count++;
    bufferedBytes += charge;
  }

  /**
   * Marks the end of a batch: if the active memtable, with what is buffered, is full, loads the
   * buffer into it and freezes it.
   *
   * @return the memtable frozen, if one was
   */
  @Override
  public Optional<FrozenMemTable> endBatch() {
    MemTableOptions o = mems.options();
    MemTable active = mems.activeMemTable();
    long n = active.entryCount() + count;
    if (n > 0
        && (n >= o.maxMemtableEntries()
            || active.sizeBytes() + bufferedBytes >= o.maxMemtableSizeBytes())) {
      load();
      return mems.forceFreeze();
    }
    return Optional.empty();
  }

  /** Loads whatever is buffered into the active memtable, which stays active: the end of replay. */
  @Override
  public void finish() {
    load();
  }

  /** Entries bulk-loaded so far (not those added one at a time). */
  @Override
  public long loadedEntries() {
    return loadedEntries;
  }

  /** Bulk loads done so far, one per memtable that received buffered entries. */
  @Override
  public long loads() {
    return loads;
  }

  private void load() {
    if (count == 0) {
      return;
    }
    int n = count;
    int[] order = InternalKeySort.order(keys, seqs, n);
    byte[][] sortedKeys = new byte[n][];
    long[] sortedSeqs = new long[n];
    byte[][] sortedValues = new byte[n][];
    for (int i = 0; i < n; i++) {
      int j = order[i];
      sortedKeys[i] = keys[j];
      sortedSeqs[i] = seqs[j];
      sortedValues[i] = values[j];
    }
    mems.addSorted(sortedKeys, sortedSeqs, sortedValues, n);
    // Drop the references: the memtable holds the arrays now, and it may be flushed and gone
    // long before this buffer is.
    Arrays.fill(keys, 0, n, null);
    Arrays.fill(values, 0, n, null);
    count = 0;
    bufferedBytes = 0;
    loadedEntries += n;
    loads++;
  }
}
