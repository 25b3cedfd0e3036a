package io.kiwidb.bench.db;

/**
 * The operations a workload needs from a key-value store, so that kiwi-db and RocksDB run the same
 * loops. Keys and values are byte arrays the caller may reuse once a call returns; every
 * implementation copies what it keeps.
 *
 * <p>Thread safety: point operations and batches may be called from any number of threads at once;
 * a {@link Cursor} belongs to one thread.
 */
interface DbAdapter extends AutoCloseable {

  /** Writes {@code value} for {@code key}. */
  void put(byte[] key, byte[] value);

  /** The value of {@code key}, or {@code null} when it is absent or deleted. */
  byte[] get(byte[] key);

  /** Deletes {@code key}. */
  void delete(byte[] key);

  /**
   * Applies {@code count} operations atomically: a put of {@code values[i]} for {@code keys[i]}, or
   * a delete where {@code values[i]} is {@code null}.
   */
  void writeBatch(byte[][] keys, byte[][] values, int count);

  /** Opens a cursor over the latest state. Close it when done. */
  Cursor cursor();

  /**
   * Flushes the memtable and waits until background flushes and compactions have finished, so that
   * disk size and background write counters are measured at rest.
   */
  void flushAndSettle();

  /** Bytes of every file under the store's directory (tables, logs, metadata). */
  long diskBytes();

  /** Cumulative bytes written to table files and to the write-ahead log since open. */
  BackgroundWrites backgroundWrites();

  /** Files under the store's directory (tables, logs, metadata), for the endurance samples. */
  long fileCount();

  /** Closes the store; it must not be used afterwards. */
  @Override
  void close();

  /**
   * Bytes written since the store was opened: tables written by background work (flushes of
   * memtables and compaction outputs), and separately the write-ahead log.
   *
   * @param flushBytes bytes of tables written by memtable flushes
   * @param compactionBytes bytes of tables written by compactions
   * @param walBytes bytes appended to the write-ahead log, or -1 when the engine does not say
   */
  record BackgroundWrites(long flushBytes, long compactionBytes, long walBytes) {
    /** Flush plus compaction bytes (the log excluded). */
    long total() {
      return flushBytes + compactionBytes;
    }

    /** The writes between {@code earlier} and this. */
    BackgroundWrites minus(BackgroundWrites earlier) {
      return new BackgroundWrites(
          flushBytes - earlier.flushBytes,
          compactionBytes - earlier.compactionBytes,
          walBytes < 0 || earlier.walBytes < 0 ? -1 : walBytes - earlier.walBytes);
    }
  }

  /** An ordered cursor; methods follow RocksDB's iterator (valid, seek, next, prev). */
  interface Cursor extends AutoCloseable {
    /** Moves to the first key. */
    void seekToFirst();

    /** Moves to the last key. */
    void seekToLast();

    /** Moves to the first key {@code >= target}. */
    void seek(byte[] target);

    /** Moves to the next key. Requires {@link #isValid()}. */
    void next();

    /** Moves to the previous key. Requires {@link #isValid()}. */
    void prev();

    /** Whether the cursor is at an entry. */
    boolean isValid();

    /** The current key. */
    byte[] key();

    /** The current value. */
    byte[] value();

    /** Releases the cursor's resources. */
    @Override
    void close();
  }
}
