package io.kiwidb.api.spi;

import io.kiwidb.api.EntryKind;

/**
 * A sorted in-memory table of internal entries, ordered as {@link KeyOrder} says. The engine writes
 * into one active memtable, freezes it, and flushes it to an L0 table.
 *
 * <p>Thread safety: {@link #add} is called by one thread at a time (the engine's write path
 * serialises it); every read method may run concurrently with {@code add} and with each other, and
 * must see either the state before or after each {@code add}, never a torn entry. Implementations
 * may allow more (concurrent adds) and say so in their javadoc.
 */
public interface MemTable {
  /**
   * Inserts one version. The arrays are retained, not copied; the caller must not modify them.
   *
   * @param key the user key
   * @param seq its sequence number, unique within the memtable
   * @param kind PUT or DELETE
   * @param value the value for a PUT, {@code null} for a DELETE
   */
  void add(byte[] key, long seq, EntryKind kind, byte[] value);

  /**
   * Bulk load: adds {@code count} entries given in internal key order, as recovery does after
   * sorting a memtable's worth of log records. The entry at index {@code i} is {@code keys[i]} at
   * sequence {@code seqs[i]}, a PUT of {@code values[i]}, or a DELETE when {@code values[i]} is
   * null. The key and value arrays are retained, not copied; the three outer arrays are not kept.
   *
   * <p>The entries must be strictly increasing in {@link KeyOrder#compareInternal} order (user key
   * ascending, then sequence descending, no two equal); the whole input is checked before anything
   * is added, so on failure the memtable is unchanged. Afterwards the memtable holds exactly what
   * {@code count} calls to {@link #add} would have left (same {@link #get}, iteration and {@link
   * #entryCount}). The default does exactly that; an implementation may instead build its structure
   * in one linear pass when it is empty, which saves the search for each insert position.
   *
   * <p>Thread safety: as {@link #add}. Readers running meanwhile see the memtable before the load
   * or after some prefix of it (the default), or before or after the whole load (a linear build
   * that publishes its structure at the end); never a torn entry.
   *
   * @throws IllegalArgumentException if {@code count} is negative or larger than an array, or an
   *     entry is out of order, a duplicate, or has an invalid sequence (the message names the index
   *     and the two entries)
   * @throws NullPointerException if an array or a key is null
   */
  default void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    checkSorted(keys, seqs, values, count);
    for (int i = 0; i < count; i++) {
      add(keys[i], seqs[i], values[i] == null ? EntryKind.DELETE : EntryKind.PUT, values[i]);
    }
  }

  /**
   * The bytes {@link #sizeBytes()} grows by when {@link #addSorted} loads this entry into an empty
   * memtable, or -1 when that is not a function of the entry alone. Recovery sums it over the
   * records it buffers to know, before building anything, when a memtable's worth is reached, so
   * that memtables it builds in bulk are frozen at exactly the record where one-at-a-time replay of
   * the same charges would freeze them. With -1 (the default) recovery adds records one at a time
   * instead.
   *
   * @param key the user key
   * @param value the value, or null for a tombstone
   */
  default long sortedEntryBytes(byte[] key, byte[] value) {
    return -1;
  }

  /**
   * Checks the input of {@link #addSorted}: the arrays, {@code count}, each entry's key and
   * sequence, and strictly increasing internal order. For implementations that override {@code
   * addSorted}.
   *
   * @throws IllegalArgumentException naming the first bad index
   * @throws NullPointerException if an array or a key is null
   */
  static void checkSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    if (keys == null || seqs == null || values == null) {
      throw new NullPointerException("keys, seqs and values must not be null");
    }
    if (count < 0 || count > keys.length || count > seqs.length || count > values.length) {
      throw new IllegalArgumentException(
          "count "
              + count
              + " is negative or exceeds an array (keys "
              + keys.length
              + ", seqs "
              + seqs.length
              + ", values "
              + values.length
              + ")");
    }
    for (int i = 0; i < count; i++) {
      if (keys[i] == null) {
        throw new NullPointerException("key at index " + i + " is null");
      }
      long seq = seqs[i];
      if (seq < 0 || seq > KeyOrder.MAX_SEQUENCE) {
        throw new IllegalArgumentException(
            "sequence "
                + seq
                + " at index "
                + i
                + " is outside [0, "
                + KeyOrder.MAX_SEQUENCE
                + "]");
      }
      if (i > 0 && KeyOrder.compareInternal(keys[i - 1], seqs[i - 1], keys[i], seq) >= 0) {
        throw new IllegalArgumentException(
            "addSorted needs entries in internal key order (key ascending, sequence descending,"
                + " no duplicates), but entry "
                + i
                + " ("
                + Bytes.toDisplay(keys[i])
                + " @"
                + seq
                + ") does not sort after entry "
                + (i - 1)
                + " ("
                + Bytes.toDisplay(keys[i - 1])
                + " @"
                + seqs[i - 1]
                + ")");
      }
    }
  }

  /**
   * The newest version of {@code key} with a sequence {@code <= readSeq}, tombstones included.
   *
   * @return the entry, or {@code null} if this memtable holds no such version
   */
  InternalEntry get(byte[] key, long readSeq);

  /** A new iterator over every entry (all versions, tombstones included). */
  InternalIterator iterator();

  /** The number of entries (versions) added. */
  long entryCount();

  /**
   * The estimated memory this memtable retains, in bytes: keys, values and the structure's own
   * overhead. The engine freezes the memtable when this reaches {@code max_memtable_size_mb}.
   */
  long sizeBytes();
}
