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
