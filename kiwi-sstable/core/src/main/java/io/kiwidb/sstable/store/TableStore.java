package io.kiwidb.sstable.store;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EntryView;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.BlockCache;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.TableLookup;
import io.kiwidb.sstable.TableProperties;
import io.kiwidb.sstable.TableReader;
import io.kiwidb.sstable.manifest.Version;
import io.kiwidb.sstable.manifest.VersionRef;
import io.kiwidb.sstable.manifest.VersionSet;
import io.kiwidb.sstable.manifest.VersionSetOptions;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables on disk, by level: the reference system's {@code SSTableManager}. It owns the {@link
 * VersionSet} (manifest and levels), the open {@link TableReader}s and the {@link BlockCache}, and
 * answers point lookups, scans and the {@code show_disk} views over them.
 *
 * <p>A point lookup consults L0 newest first, then at most one file per deeper level (the one whose
 * key range holds the key), and each table's filter before any data block; the first table holding
 * a version of the key visible at the read sequence answers. This is correct because newer data is
 * always shallower: flushes add to L0 newest first, and compaction moves a key range down only
 * together with every shallower version of it.
 *
 * <p>Readers are opened on first use and closed when the version set reports their file obsolete,
 * which happens only once no live version (so no reader and no iterator) can reach the file.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class TableStore implements AutoCloseable {
  private final FileSystem fs;
  private final BlockCache blockCache;
  private final TableCodecs codecs;
  private final ConcurrentHashMap<Long, TableReader> readers = new ConcurrentHashMap<>();
  private final VersionSet versions;

  private TableStore(
      FileSystem fs, Path dataRoot, int levelCount, BlockCache blockCache, TableCodecs codecs) {
    this.fs = fs;
    this.blockCache = blockCache;
    this.codecs = codecs;
    this.versions =
        VersionSet.open(
            fs,
            dataRoot,
            VersionSetOptions.defaults()
                .withLevelCount(levelCount)
                .withListener((number, file) -> evict(number)));
  }

  /**
   * Opens the level structure under {@code dataRoot} (see {@link VersionSet#open}).
   *
   * @param levelCount levels including L0 ({@code max_levels + 1})
   */
  public static TableStore open(FileSystem fs, Path dataRoot, int levelCount, BlockCache cache) {
    return open(fs, dataRoot, levelCount, cache, TableCodecs.installed());
  }

  /**
   * As {@link #open(FileSystem, Path, int, BlockCache)}, reading tables with {@code codecs}.
   *
   * @param codecs the filter policies and compressors tables may name
   */
  public static TableStore open(
      FileSystem fs, Path dataRoot, int levelCount, BlockCache cache, TableCodecs codecs) {
    return new TableStore(fs, dataRoot, levelCount, cache, codecs);
  }

  /** The manifest and level structure. */
  public VersionSet versions() {
    return versions;
  }

  /** The block cache shared by every table. */
  public BlockCache blockCache() {
    return blockCache;
  }

  /** The number of files in L0. */
  public int l0Count() {
    return versions.l0Count();
  }

  /**
   * The reader of a live table, opened on first use.
   *
   * @throws CorruptionException naming the table if its file is missing: the manifest lists it, so
   *     the store lost a file (or the manifest lost the edit that replaced it)
   */
  public TableReader reader(TableMeta table) {
    return readers.computeIfAbsent(table.fileNumber(), this::openReader);
  }

  private TableReader openReader(long number) {
    Path path = versions.tablePath(number);
    try {
      return TableReader.open(fs, path, number, blockCache, codecs);
    } catch (KiwiIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        throw new CorruptionException(
            path.toString(),
            CorruptionException.UNKNOWN_OFFSET,
            "the manifest lists this table, but the file is missing",
            e);
      }
      throw e;
    }
  }

  /**
   * The newest version of {@code key} visible at {@code readSeq} in the tables, or {@code null}.
   *
   * @param trace if not null, receives one step per table consulted
   */
  public InternalEntry get(byte[] key, long readSeq, List<LookupTrace.Step> trace) {
    try (VersionRef ref = versions.acquire()) {
      for (TableMeta table : ref.version().filesForKey(key)) {
        TableLookup r = reader(table).get(key, readSeq);
        if (trace != null) {
          trace.add(r.toStep("L" + table.level(), fileId(table)));
        }
        if (r.isFound()) {
          return r.entry();
        }
      }
    }
    return null;
  }

  /** An iterator over one table. */
  public InternalIterator iterator(TableMeta table) {
    return reader(table).iterator();
  }

  /** The {@code show_disk} listing: every level, L0 newest first, deeper levels by key. */
  public DiskListing showDisk() {
    Map<String, List<TableSummary>> levels = new LinkedHashMap<>();
    try (VersionRef ref = versions.acquire()) {
      Version v = ref.version();
      for (int level = 0; level < v.levelCount(); level++) {
        List<TableSummary> files = new ArrayList<>();
        for (TableMeta t : v.level(level)) {
          files.add(summary(t));
        }
        levels.put("L" + level, files);
      }
    }
    return new DiskListing(levels);
  }

  /**
   * The {@code show_disk} detail of one live table: its metadata and every entry.
   *
   * @throws IllegalArgumentException if no live table has that id
   */
  public TableDetail showDisk(String fileId) {
    long number = parseFileId(fileId);
    try (VersionRef ref = versions.acquire()) {
      TableMeta t =
          ref.version()
              .file(number)
              .orElseThrow(() -> new IllegalArgumentException("no live table has id " + fileId));
      List<EntryView> entries = new ArrayList<>();
      for (InternalEntry e : reader(t).entries()) {
        entries.add(new EntryView(e.key(), e.seq(), e.kind(), e.value()));
      }
      return new TableDetail(summary(t), entries);
    }
  }

  private TableSummary summary(TableMeta t) {
    TableProperties p = reader(t).properties();
    return new TableSummary(
        fileId(t),
        t.level(),
        t.entryCount(),
        t.tombstoneCount(),
        t.sizeBytes(),
        t.smallestKey(),
        t.largestKey(),
        t.minSeq(),
        t.maxSeq(),
        p.filterPolicy().isEmpty() ? "none" : p.filterPolicy(),
        p.compressor());
  }

  private static String fileId(TableMeta t) {
    return Long.toString(t.fileNumber());
  }

  private static long parseFileId(String fileId) {
    try {
      return Long.parseLong(fileId.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "no table has id \"" + fileId + "\": table ids are file numbers, e.g. 12");
    }
  }

  /** Closes and forgets a table's reader and drops its cached blocks. */
  private void evict(long fileNumber) {
    TableReader r = readers.remove(fileNumber);
    blockCache.invalidateFile(fileNumber);
    if (r != null) {
      r.close();
    }
  }

  /** Closes every reader and the version set (the reference's {@code close_all}). */
  @Override
  public void close() {
    KiwiException first = null;
    try {
      versions.close();
    } catch (KiwiException e) {
      first = e;
    }
    for (Long n : List.copyOf(readers.keySet())) {
      evict(n);
    }
    if (first != null) {
      throw first;
    }
  }
}
