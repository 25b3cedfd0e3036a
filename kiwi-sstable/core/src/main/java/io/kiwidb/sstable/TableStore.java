package io.kiwidb.sstable;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.TableMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables on disk, by level (the reference system's {@code SSTableManager}): the manifest that
 * records the levels, the open table readers and the block cache. The engine reads through it
 * (point lookups, pinned versions for scans), the flush pipeline and compaction write new tables
 * with {@link #newTable} and publish them with {@link #install}.
 *
 * <p>A point lookup consults L0 newest first, then at most one file per deeper level (the one whose
 * key range holds the key), each table's filter before any data block; the first table holding a
 * version of the key visible at the read sequence answers. That is correct because newer data is
 * always shallower: flushes add to L0 newest first, and compaction moves a key range down only
 * together with every shallower version of it.
 *
 * <p>Files leave the store only once no pinned {@link TableVersion} (so no reader and no iterator)
 * can reach them.
 *
 * <p>Thread safety: every method may be called from any thread. {@link #install} calls are
 * serialised inside; the caller orders them where the order matters (flushes oldest first).
 */
public interface TableStore extends AutoCloseable {
  /**
   * Opens the level structure under {@code dataRoot} ({@code CURRENT}, the manifest, {@code sst/}),
   * creating it when absent.
   *
   * @throws CorruptionException if the manifest is damaged or a table it lists is missing
   * @throws KiwiIOException if the files cannot be read
   */
  static TableStore open(FileSystem fs, Path dataRoot, TableStoreOptions options) {
    return io.kiwidb.sstable.store.VersionedTableStore.open(fs, dataRoot, options);
  }

  /**
   * Opens the level structure under {@code dataRoot} for reading only: nothing is created, written
   * or deleted, then or later. {@link #install}, {@link #newTable} and {@link #discard} are refused
   * with {@link IllegalStateException}; {@link #deleteOrphanTables()} deletes nothing.
   *
   * @throws CorruptionException if there is no store ({@code CURRENT} is missing), the manifest is
   *     damaged or a table it lists is missing
   * @throws KiwiIOException if the files cannot be read
   */
  static TableStore openReadOnly(FileSystem fs, Path dataRoot, TableStoreOptions options) {
    return io.kiwidb.sstable.store.VersionedTableStore.openReadOnly(fs, dataRoot, options);
  }

  // ------------------------------------------------------------------ reads

  /**
   * The newest version of {@code key} visible at {@code readSeq} in the tables, or {@code null}.
   *
   * @param trace if not null, receives one step per table consulted
   */
  InternalEntry get(byte[] key, long readSeq, List<LookupTrace.Step> trace);

  /** Pins the current version (close it when done). */
  TableVersion acquire();

  /** Every write up to this sequence number is in tables (0 for an empty store). */
  long lastSequence();

  /**
   * Pins the current version together with the last sequence its tables hold, consistently (no
   * install falls between the two), for a checkpoint.
   */
  TableCheckpoint pinForCheckpoint();

  /** The number of files in L0. */
  int l0Count();

  /** The {@code show_disk} listing: every level, L0 newest first, deeper levels by key. */
  DiskListing showDisk();

  /**
   * The {@code show_disk} detail of one live table: its metadata and every entry.
   *
   * @throws IllegalArgumentException if no live table has that id
   */
  TableDetail showDisk(String fileId);

  // ------------------------------------------------------------------ writes

  /**
   * Starts a new table file at {@code level}, laid out by the current {@link TableOptions}.
   *
   * @throws IOException if the file cannot be created
   */
  TableWriter newTable(int level) throws IOException;

  /**
   * Applies an edit atomically: one durable manifest record, then a new current version. Removed
   * files are deleted once no pinned version holds them.
   *
   * @throws KiwiIOException if the manifest cannot be written (the version stays as it was)
   * @throws IllegalArgumentException if the edit removes a file that is not live
   */
  void install(TableEdit edit);

  /**
   * Deletes a finished table that no installed edit lists: what a job that failed after finishing
   * some outputs leaves behind. A failure to delete is not reported (the orphan sweep of the next
   * open deletes the file).
   *
   * @throws IllegalArgumentException if the table is live
   */
  void discard(TableMeta table);

  /** The layout of tables written from now on. */
  TableOptions tableOptions();

  /** Changes the layout of tables written from now on (live config). */
  void setTableOptions(TableOptions options);

  // ------------------------------------------------------------------ cache

  /** The block cache's counters. */
  BlockCacheStats cacheStats();

  /** Resizes the block cache's tiers (live config). */
  void resizeCache(int dataBlocks, int indexBlocks, int filters);

  // ------------------------------------------------------------------ recovery

  /** The manifest file's name, for messages ({@code MANIFEST-000004}). */
  String manifestName();

  /** A table file's path, for messages. */
  Path tablePath(long fileNumber);

  /**
   * Table files that no version lists but that hold sequence numbers above {@link #lastSequence}:
   * flushes whose manifest edit was not durable, or tables whose edit the manifest lost. By file
   * number, their largest sequence number.
   */
  Map<Long, Long> orphansAboveLastSequence();

  /**
   * Deletes table files that no version lists (leftovers of flushes and compactions a crash cut
   * short).
   *
   * @return the file numbers deleted
   */
  Set<Long> deleteOrphanTables();

  /** Closes every reader and the manifest. */
  @Override
  void close();
}
