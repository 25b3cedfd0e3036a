package io.kiwidb.api;

import java.util.Objects;

/**
 * How one write is made durable: whether it waits for an fsync, and whether it goes to the
 * write-ahead log at all. The store-wide default is the config key {@code wal_sync_mode}; these
 * options override it for one {@code put}, {@code delete} or {@code write(batch)}, as RocksDB's and
 * LevelDB's {@code WriteOptions} do.
 *
 * <ul>
 *   <li>{@link Sync#SYNC}: the call returns once the write and every write logged before it are
 *       durable (fsynced): it survives a power cut.
 *   <li>{@link Sync#NO_SYNC}: the call returns once the write is in the log in the operating
 *       system: it survives a crash of the process, and a power cut may lose it (and later unsynced
 *       writes), never an earlier synced one. It never waits for an fsync that another writer asked
 *       for.
 *   <li>{@link Sync#DEFAULT}: as {@code wal_sync_mode} says at the time of the write ({@code
 *       always}: SYNC, {@code none}: NO_SYNC).
 *   <li>{@code disableWal}: the write goes to the memtable only. A crash of any kind loses it until
 *       a flush has put it in a table: a bulk load with {@code disableWal} ends with {@code
 *       flush(true)}, which returns once everything written before it is in tables. Writes around
 *       it that use the log keep their guarantees. It cannot be combined with {@link Sync#SYNC}.
 * </ul>
 *
 * <p>Visibility does not depend on the options: every write is visible to reads that start after it
 * returns. A synced write may be seen by a concurrent reader a moment before it is durable (writers
 * that did not ask for an fsync are not held back behind one that did), so a reader must not take
 * visibility for durability.
 *
 * <p>Thread safety: immutable.
 *
 * @param sync when the call returns relative to the fsync
 * @param disableWal whether the write skips the write-ahead log
 */
public record WriteOptions(Sync sync, boolean disableWal) {
  /** The fsync choice of one write. */
  public enum Sync {
    /** Follow {@code wal_sync_mode}. */
    DEFAULT,
    /** Return only once the write is durable. */
    SYNC,
    /** Return once the write is in the log, before it is durable. */
    NO_SYNC
  }

  /** Follow {@code wal_sync_mode}, use the log: what the methods without options do. */
  public static final WriteOptions DEFAULTS = new WriteOptions(Sync.DEFAULT, false);

  /** Durable on return, whatever {@code wal_sync_mode} says. */
  public static final WriteOptions SYNC = new WriteOptions(Sync.SYNC, false);

  /** Logged but not waiting for an fsync, whatever {@code wal_sync_mode} says. */
  public static final WriteOptions NO_SYNC = new WriteOptions(Sync.NO_SYNC, false);

  /** Memtable only, for bulk loads made durable by {@code flush(true)}. */
  public static final WriteOptions NO_WAL = new WriteOptions(Sync.DEFAULT, true);

  /**
   * @throws NullPointerException if {@code sync} is null
   * @throws IllegalArgumentException for {@link Sync#SYNC} with {@code disableWal}: a write that
   *     bypasses the log has nothing to fsync
   */
  public WriteOptions {
    Objects.requireNonNull(sync, "sync");
    if (disableWal && sync == Sync.SYNC) {
      throw new IllegalArgumentException(
          "WriteOptions: sync=SYNC cannot be combined with disableWal=true: a write that skips"
              + " the write-ahead log has nothing to fsync (use flush(true) to make it durable)");
    }
  }

  /** These options with {@code sync} changed. */
  public WriteOptions withSync(Sync sync) {
    return new WriteOptions(sync, disableWal);
  }

  /** These options with {@code disableWal} changed. */
  public WriteOptions withDisableWal(boolean disableWal) {
    return new WriteOptions(sync, disableWal);
  }
}
