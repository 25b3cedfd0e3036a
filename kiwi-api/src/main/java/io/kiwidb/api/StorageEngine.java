package io.kiwidb.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * An open kiwi-db store: the reference engine's operations (put, get, delete, flush, update_config,
 * stats, show_mem, show_disk, close) plus range scans, snapshots, atomic batches, lookup traces and
 * an asynchronous view. Obtain one with {@link KiwiDb#open(Path)}.
 *
 * <p>Durability: a write returns once it is in the write-ahead log and, under the default {@code
 * wal_sync_mode=always}, fsynced; after that no crash loses it. {@link WriteOptions} chooses per
 * write (sync, no sync, or no log at all for bulk loads). Visibility: a write is visible to reads
 * that start after it returns, and a batch becomes visible all at once.
 *
 * <p>Errors: bad arguments throw {@link IllegalArgumentException} or {@link NullPointerException}
 * naming what was wrong; everything else is a {@link KiwiException} subclass. Every call after
 * {@link #close()} throws {@link EngineClosedException}, except {@code close} itself.
 *
 * <p>Thread safety: all methods may be called from any number of threads at once. Concurrent
 * writers share WAL writes and fsyncs (group commit).
 */
public interface StorageEngine extends AutoCloseable {

  /**
   * Writes a value for a key.
   *
   * @throws IllegalArgumentException if the key or value breaks {@link Limits}
   * @throws WriteStallException if the flush pipeline stayed full past {@code backpressure_timeout}
   * @throws BackgroundErrorException if a background failure stopped writes
   */
  default void put(byte[] key, byte[] value) {
    put(key, value, WriteOptions.DEFAULTS);
  }

  /**
   * Writes a value for a key with per-write durability options.
   *
   * @throws IllegalArgumentException if the key or value breaks {@link Limits}
   * @throws WriteStallException if the flush pipeline stayed full past {@code backpressure_timeout}
   * @throws BackgroundErrorException if a background failure stopped writes
   */
  void put(byte[] key, byte[] value, WriteOptions options);

  /**
   * Reads the latest value of a key.
   *
   * @return the value, or empty if the key was never written or is deleted
   */
  Optional<byte[]> get(byte[] key);

  /**
   * Reads a key as of a snapshot.
   *
   * @return the value visible at the snapshot, or empty
   */
  Optional<byte[]> get(byte[] key, Snapshot snapshot);

  /** Deletes a key by writing a tombstone. Deleting an absent key is allowed. */
  default void delete(byte[] key) {
    delete(key, WriteOptions.DEFAULTS);
  }

  /** Deletes a key with per-write durability options. */
  void delete(byte[] key, WriteOptions options);

  /**
   * Applies a batch atomically: all of its operations or none, visible at once. An empty batch is a
   * no-op.
   */
  default void write(WriteBatch batch) {
    write(batch, WriteOptions.DEFAULTS);
  }

  /** Applies a batch atomically with per-write durability options. */
  void write(WriteBatch batch, WriteOptions options);

  /**
   * Freezes the active memtable and queues it for flushing to an L0 table, without waiting.
   *
   * @return {@code true} if a memtable was queued, {@code false} if the active one was empty
   */
  default boolean flush() {
    return flush(false);
  }

  /**
   * Freezes the active memtable and queues it for flushing; with {@code wait}, returns only once it
   * and every memtable frozen before it are in tables, so every write that returned before this
   * call, including those written with {@link WriteOptions#disableWal()}, is durable.
   *
   * @return {@code true} if a memtable was queued, {@code false} if the active one was empty (with
   *     {@code wait}, the call still waits for memtables queued earlier)
   * @throws BackgroundErrorException if a flush failed while waiting
   * @throws KiwiException if the waiting thread was interrupted (its interrupt flag is set again)
   */
  boolean flush(boolean wait);

  /**
   * Changes one config key, validates it, applies it live where possible, and persists {@code
   * config.json} atomically.
   *
   * @param key a snake_case config key
   * @param value the new value: a number, a string or a boolean (strings are parsed for numeric
   *     keys)
   * @return the old and new values, and whether the change already applies
   * @throws InvalidConfigException naming the key and value, leaving the config unchanged
   */
  ConfigChange updateConfig(String key, Object value);

  /** Returns a snapshot of statistics and counters. */
  EngineStats stats();

  /** Lists the active and immutable memtables (without entries). */
  MemListing showMem();

  /**
   * Shows one memtable's entries.
   *
   * @param tableId the active memtable's table id, or an immutable memtable's snapshot or table id
   * @throws IllegalArgumentException if no memtable has that id
   */
  MemTableDetail showMem(String tableId);

  /** Lists the table files by level. */
  DiskListing showDisk();

  /**
   * Shows one table file's metadata and entries.
   *
   * @throws IllegalArgumentException if no live table has that id
   */
  TableDetail showDisk(String fileId);

  /** The compactions running now and the most recent finished ones. */
  CompactionActivity compactions();

  /** Follows a point lookup through every layer and reports what each answered. */
  LookupTrace trace(byte[] key);

  /** Takes a snapshot of the current state. Close it when done. */
  Snapshot snapshot();

  /** Opens an iterator over the live keys selected by {@code options}. Close it when done. */
  KiwiIterator iterator(ScanOptions options);

  /**
   * Makes a checkpoint: a consistent copy of the store in {@code target} that opens as a store of
   * its own (read-write or read-only), taken while writes go on.
   *
   * <p>Consistency: the checkpoint is taken at one sequence number ({@link
   * CheckpointInfo#sequence()}): it holds every write at or below it, and none above it. So it
   * holds every write acknowledged before this call, and none that starts after it returns; a
   * concurrent write is in it whole or not at all. Writers wait only for the moment the sequence
   * number is fixed (one log segment switch), never for the copying.
   *
   * <p>What it holds: the table files of that moment, hard-linked where the file system allows
   * (they are never written again, so the store and the checkpoint share their blocks) and copied
   * where it does not (another file system; {@link CheckpointInfo#linkFailure()} says why); copies
   * of the write-ahead log segments that hold the rest; a new manifest and {@code CURRENT}
   * describing those tables; the config ({@code config.json}); an empty {@code LOCK}. No logs.
   *
   * <p>Atomicity: the checkpoint is built in {@code <target>.checkpoint-tmp}, every file and
   * directory synced, then renamed to {@code target} and the parent directory synced. A crash or
   * kill leaves either no {@code target} (and a staging directory, removed by the next checkpoint
   * to the same target) or a complete one; it never changes the store's own files.
   *
   * <p>Also works on a read-only engine (the checkpoint then holds the store as it was opened).
   *
   * @param target a directory that does not exist or is empty, outside the data directory; missing
   *     parents are created
   * @return what was made
   * @throws IllegalArgumentException if {@code target} exists and is not an empty directory, is the
   *     data directory or inside it, or its staging directory is in the way
   * @throws BackgroundErrorException if a background failure stopped writes
   * @throws KiwiIOException if a file cannot be linked, copied, written or synced (the partial
   *     checkpoint is removed)
   */
  CheckpointInfo checkpoint(Path target);

  /**
   * Whether this engine was opened read-only ({@link KiwiDb#openReadOnly(Path)}): then every write
   * call throws {@link ReadOnlyEngineException}.
   */
  default boolean isReadOnly() {
    return false;
  }

  /** The asynchronous view of this engine; it shares the engine's state and lifetime. */
  AsyncStorageEngine async();

  /** The data directory. */
  Path dataRoot();

  /** The TCP port of the log broadcast server, or 0 when it is disabled or not on TCP. */
  int logPort();

  /**
   * The Unix-domain socket of the log broadcast server when it listens on one ({@code
   * log_broadcast: "unix"}), else empty.
   */
  default Optional<Path> logSocket() {
    return Optional.empty();
  }

  /** The live configuration: every key (snake_case) with its current value, in a stable order. */
  Map<String, Object> config();

  /**
   * Closes the engine: drains the flush pipeline (with a timeout), syncs and closes the WAL, closes
   * tables, and stops the log server last. Idempotent. Data still in memtables is safe in the WAL.
   */
  @Override
  void close();
}
