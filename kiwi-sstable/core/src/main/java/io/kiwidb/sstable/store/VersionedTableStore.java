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
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.BlockCacheStats;
import io.kiwidb.sstable.TableCheckpoint;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.sstable.TableVersion;
import io.kiwidb.sstable.TableWriter;
import io.kiwidb.sstable.manifest.Version;
import io.kiwidb.sstable.manifest.VersionEdit;
import io.kiwidb.sstable.manifest.VersionRef;
import io.kiwidb.sstable.manifest.VersionSet;
import io.kiwidb.sstable.manifest.VersionSetOptions;
import io.kiwidb.sstable.table.BlockCache;
import io.kiwidb.sstable.table.TableBuilder;
import io.kiwidb.sstable.table.TableLookup;
import io.kiwidb.sstable.table.TableProperties;
import io.kiwidb.sstable.table.TableReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TableStore} on a {@link VersionSet}: the manifest and its versions, the open {@link
 * TableReader}s (opened on first use, closed when the version set reports their file obsolete,
 * which happens only once no live version can reach it) and the {@link BlockCache}.
 *
 * <p>Thread safety: safe for concurrent use; see {@link TableStore}.
 */
public final class VersionedTableStore implements TableStore {
  private final FileSystem fs;
  private final BlockCache blockCache;
  private final TableCodecs codecs;
  private final ConcurrentHashMap<Long, TableReader> readers = new ConcurrentHashMap<>();
  private final VersionSet versions;
  private volatile TableOptions tableOptions;

  private VersionedTableStore(
      FileSystem fs, Path dataRoot, TableStoreOptions options, boolean readOnly) {
    this.fs = fs;
    this.blockCache =
        new BlockCache(options.dataBlocks(), options.indexBlocks(), options.filters());
    this.codecs = options.codecs();
    this.tableOptions = options.tableOptions();
    VersionSetOptions setOptions =
        VersionSetOptions.defaults()
            .withLevelCount(options.levelCount())
            .withListener((number, file) -> evict(number));
    this.versions =
        readOnly
            ? VersionSet.openReadOnly(fs, dataRoot, setOptions)
            : VersionSet.open(fs, dataRoot, setOptions);
  }

  /** See {@link TableStore#open}. */
  public static VersionedTableStore open(FileSystem fs, Path dataRoot, TableStoreOptions options) {
    return new VersionedTableStore(fs, dataRoot, options, false);
  }

  /** See {@link TableStore#openReadOnly}. */
  public static VersionedTableStore openReadOnly(
      FileSystem fs, Path dataRoot, TableStoreOptions options) {
    return new VersionedTableStore(fs, dataRoot, options, true);
  }

  @Override
  public TableCheckpoint pinForCheckpoint() {
    VersionSet.Checkpointed pinned = versions.pinForCheckpoint();
    List<TableMeta> tables = new ArrayList<>();
    Version v = pinned.ref().version();
    for (int level = 0; level < v.levelCount(); level++) {
      tables.addAll(v.level(level));
    }
    List<TableMeta> all = List.copyOf(tables);
    return new TableCheckpoint() {
      @Override
      public List<TableMeta> tables() {
        return all;
      }

      @Override
      public long lastSequence() {
        return pinned.lastSequence();
      }

      @Override
      public String writeManifest(Path targetRoot) throws IOException {
        return VersionSet.writeCheckpointManifest(fs, targetRoot, pinned);
      }

      @Override
      public void close() {
        pinned.close();
      }
    };
  }

  private void checkWritable(String call) {
    if (versions.isReadOnly()) {
      throw new IllegalStateException(
          call + " refused: the tables of " + versions.dataRoot() + " are open read-only");
    }
  }

  /** The manifest and level structure (tests and tools in this module's package). */
  VersionSet versions() {
    return versions;
  }

  @Override
  public long lastSequence() {
    return versions.lastSequence();
  }

  @Override
  public int l0Count() {
    return versions.l0Count();
  }

  /**
   * The reader of a live table, opened on first use.
   *
   * @throws CorruptionException naming the table if its file is missing: the manifest lists it, so
   *     the store lost a file (or the manifest lost the edit that replaced it)
   */
  TableReader reader(TableMeta table) {
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

  @Override
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

  @Override
  public TableVersion acquire() {
    return new Pinned(versions.acquire());
  }

  /** A pinned version and the iterators over its tables. */
  private final class Pinned implements TableVersion {
    private final VersionRef ref;
    private final Version version;

    Pinned(VersionRef ref) {
      this.ref = ref;
      this.version = ref.version();
    }

    @Override
    public int levelCount() {
      return version.levelCount();
    }

    @Override
    public List<TableMeta> level(int level) {
      return version.level(level);
    }

    @Override
    public LevelView levelView(Set<Long> busy, Map<Integer, byte[]> cursors) {
      return new LevelView(version.levelView(busy).levels(), busy, cursors);
    }

    @Override
    public List<InternalIterator> iterators() {
      List<InternalIterator> out = new ArrayList<>();
      for (TableMeta t : version.level(0)) {
        out.add(iterator(t));
      }
      for (int level = 1; level < version.levelCount(); level++) {
        if (!version.level(level).isEmpty()) {
          out.add(concatenated(version.level(level)));
        }
      }
      return out;
    }

    @Override
    public InternalIterator iterator(TableMeta table) {
      return reader(table).iterator();
    }

    @Override
    public InternalIterator concatenated(List<TableMeta> files) {
      return new LevelIterator(files, this::iterator);
    }

    @Override
    public void close() {
      ref.close();
    }
  }

  @Override
  public TableWriter newTable(int level) throws IOException {
    checkWritable("newTable");
    long number = versions.newFileNumber();
    Path path = versions.tablePath(number);
    return new Writer(TableBuilder.create(fs, path, tableOptions), number, level, path);
  }

  /** A new table file: deleted unless finished; live once an edit with it is installed. */
  private final class Writer implements TableWriter {
    private final TableBuilder builder;
    private final long number;
    private final int level;
    private final Path path;
    private boolean done;

    Writer(TableBuilder builder, long number, int level, Path path) {
      this.builder = builder;
      this.number = number;
      this.level = level;
      this.path = path;
    }

    @Override
    public void add(InternalEntry entry) {
      builder.add(entry);
    }

    @Override
    public long entryCount() {
      return builder.entryCount();
    }

    @Override
    public long estimatedFileSize() {
      return builder.estimatedFileSize();
    }

    @Override
    public TableMeta finish() throws IOException {
      try {
        TableProperties props = builder.finish();
        fs.syncDirectory(path.getParent());
        done = true;
        return props.toMeta(number, level, fs.size(path));
      } catch (IOException | RuntimeException e) {
        abandon();
        throw e;
      }
    }

    @Override
    public void abandon() {
      if (done) {
        return;
      }
      done = true;
      builder.abandon();
      try {
        fs.deleteIfExists(path);
      } catch (IOException e) {
        // Not in any version: the orphan sweep of the next open deletes it.
      }
    }

    @Override
    public void close() {
      abandon();
    }
  }

  @Override
  public void install(TableEdit edit) {
    VersionEdit v = new VersionEdit();
    edit.removed().forEach(v::deleteFile);
    edit.added().forEach(v::addFile);
    if (edit.lastSequence() >= 0) {
      v.setLastSequence(edit.lastSequence());
    }
    versions.logAndApply(v);
  }

  @Override
  public void discard(TableMeta table) {
    checkWritable("discard");
    if (versions.liveFileNumbers().contains(table.fileNumber())) {
      throw new IllegalArgumentException(
          "table " + table.fileNumber() + " is live; only uninstalled outputs can be discarded");
    }
    try {
      fs.deleteIfExists(versions.tablePath(table.fileNumber()));
    } catch (IOException e) {
      // Not in any version: the orphan sweep of the next open deletes it.
    }
  }

  @Override
  public TableOptions tableOptions() {
    return tableOptions;
  }

  @Override
  public void setTableOptions(TableOptions options) {
    tableOptions = java.util.Objects.requireNonNull(options, "options");
  }

  @Override
  public BlockCacheStats cacheStats() {
    return blockCache.stats();
  }

  @Override
  public void resizeCache(int dataBlocks, int indexBlocks, int filters) {
    blockCache.resize(dataBlocks, indexBlocks, filters);
  }

  @Override
  public String manifestName() {
    return String.format("MANIFEST-%06d", versions.manifestNumber());
  }

  @Override
  public Path tablePath(long fileNumber) {
    return versions.tablePath(fileNumber);
  }

  @Override
  public Map<Long, Long> orphansAboveLastSequence() {
    return versions.orphansAboveLastSequence();
  }

  @Override
  public Set<Long> deleteOrphanTables() {
    return versions.deleteOrphanTables();
  }

  @Override
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

  @Override
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
