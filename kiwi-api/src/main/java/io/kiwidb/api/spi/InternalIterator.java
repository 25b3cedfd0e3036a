package io.kiwidb.api.spi;

import io.kiwidb.api.EntryKind;

/**
 * A cursor over internal entries in internal key order (user key ascending, sequence descending;
 * see {@link KeyOrder}), showing every version and tombstone. Memtables, table files, levels and
 * merging iterators all implement it; the engine builds user-facing iterators on top.
 *
 * <p>The arrays returned by {@link #key()} and {@link #value()} must not be modified by callers;
 * implementations may return shared arrays.
 *
 * <p>Thread safety: one thread at a time.
 */
public interface InternalIterator extends AutoCloseable {
  /** Whether the iterator is positioned at an entry. */
  boolean isValid();

  /** Moves to the first entry. */
  void seekToFirst();

  /** Moves to the last entry. */
  void seekToLast();

  /**
   * Moves to the first entry at or after {@code (key, seq)} in internal order: the first entry
   * whose user key is greater than {@code key}, or equal with a sequence {@code <= seq}.
   */
  void seek(byte[] key, long seq);

  /** Moves to the next entry. Requires {@link #isValid()}. */
  void next();

  /** Moves to the previous entry. Requires {@link #isValid()}. */
  void prev();

  /** The current user key. Requires {@link #isValid()}. */
  byte[] key();

  /** The current sequence number. Requires {@link #isValid()}. */
  long seq();

  /** The current kind. Requires {@link #isValid()}. */
  EntryKind kind();

  /** The current value, or {@code null} for a tombstone. Requires {@link #isValid()}. */
  byte[] value();

  /**
   * Moves to the last entry at or before {@code (key, seq)} in internal order: the last entry whose
   * user key is less than {@code key}, or equal with a sequence {@code >= seq}. Built from {@link
   * #seek} and {@link #prev}; implementations may do better.
   */
  default void seekForPrev(byte[] key, long seq) {
    seek(key, seq);
    if (!isValid()) {
      seekToLast();
      return;
    }
    // seek landed on the first entry >= target; if it is not equal to the target, step back.
    if (KeyOrder.compareInternal(key(), seq(), key, seq) > 0) {
      prev();
    }
  }

  /** The current entry as a record. Requires {@link #isValid()}. */
  default InternalEntry entry() {
    return new InternalEntry(key(), seq(), kind(), value());
  }

  /** Releases resources (pinned files, cached blocks). Idempotent. */
  @Override
  default void close() {}
}
