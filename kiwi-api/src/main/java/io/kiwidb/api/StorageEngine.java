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
 * wal_sync_mode=always}, fsynced; after that no crash loses it. Visibility: a write is visible to
 * reads that start after it returns, and a batch becomes visible all at once.
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
  void put(byte[] key, byte[] value);

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
  void delete(byte[] key);

  /**
   * Applies a batch atomically: all of its operations or none, visible at once. An empty batch is a
   * no-op.
   */
  void write(WriteBatch batch);

  /**
   * Freezes the active memtable and queues it for flushing to an L0 table.
   *
   * @return {@code true} if a memtable was queued, {@code false} if the active one was empty
   */
  boolean flush();

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
