package io.kiwidb.api;

/**
 * A cursor over live key/value pairs in key order, from {@link
 * StorageEngine#iterator(ScanOptions)}. It reads at one sequence number (its snapshot, or the
 * latest when it was created), hides deleted keys and older versions, and moves both ways.
 *
 * <p>An open iterator pins the files it reads, so flushes and compactions never delete them under
 * it. Close it (try-with-resources); an iterator that is garbage-collected while open is counted as
 * leaked in {@link EngineStats#counters()}.
 *
 * <pre>{@code
 * try (KiwiIterator it = engine.iterator(ScanOptions.prefix(bytes("user:")))) {
 *   for (it.seekToFirst(); it.isValid(); it.next()) {
 *     use(it.key(), it.value());
 *   }
 * }
 * }</pre>
 *
 * <p>Thread safety: an iterator is for one thread at a time.
 */
public interface KiwiIterator extends AutoCloseable {
  /**
   * Whether the iterator is positioned at an entry; {@link #key()} and {@link #value()} need it.
   */
  boolean isValid();

  /** Moves to the first key within the scan's bounds. */
  void seekToFirst();

  /** Moves to the last key within the scan's bounds. */
  void seekToLast();

  /** Moves to the first key {@code >= target} (within bounds). */
  void seek(byte[] target);

  /** Moves to the last key {@code <= target} (within bounds). */
  void seekForPrev(byte[] target);

  /** Moves to the next key. Requires {@link #isValid()}. */
  void next();

  /** Moves to the previous key. Requires {@link #isValid()}. */
  void prev();

  /** The current key (a fresh copy). Requires {@link #isValid()}. */
  byte[] key();

  /** The current value (a fresh copy). Requires {@link #isValid()}. */
  byte[] value();

  /** Releases the pinned files. Idempotent. */
  @Override
  void close();
}
