package io.kiwidb.bench.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB through RocksJava, either at its defaults or tuned like kiwi ({@link RocksTuning}).
 * Writes use the WAL, with {@code sync} as the durability setting asks; reads use default read
 * options.
 *
 * <p>Statistics objects are not attached (they add a clock read per operation on RocksDB's side
 * only); background write bytes come from the {@code rocksdb.cfstats} map property instead.
 *
 * <p>Thread safety: as {@link RocksDB}; cursors belong to one thread.
 */
final class RocksAdapter implements DbAdapter {
  private static final double GIB = 1L << 30;

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final Path dir;
  private final WriteOptions writeOptions;

  /** Native objects to close after the DB, in order. */
  private final List<RocksObject> owned;

  private RocksAdapter(RocksDB db, Path dir, WriteOptions writeOptions, List<RocksObject> owned) {
    this.db = db;
    this.dir = dir;
    this.writeOptions = writeOptions;
    this.owned = owned;
  }

  /**
   * Opens (or creates) a store in {@code dir}.
   *
   * @param tuning the like-for-like settings, or {@code null} for RocksDB's defaults
   * @param sync whether each write waits for its WAL record to be fsynced
   */
  static RocksAdapter open(Path dir, RocksTuning tuning, boolean sync) {
    List<RocksObject> owned = new ArrayList<>();
    Options options = new Options().setCreateIfMissing(true);
    owned.add(options);
    if (tuning != null) {
      LRUCache cache = new LRUCache(tuning.blockCacheBytes());
      owned.add(cache);
      BlockBasedTableConfig table =
          new BlockBasedTableConfig().setBlockSize(tuning.blockSize()).setBlockCache(cache);
      if (!"none".equals(tuning.filter())) {
        // Full (not block-based) filter: one filter per table, as kiwi builds.
        BloomFilter bloom = new BloomFilter(tuning.bloomBitsPerKey(), false);
        owned.add(bloom);
        table.setFilterPolicy(bloom);
      }
      options
          .setTableFormatConfig(table)
          .setCompressionType(compression(tuning.compression()))
          .setWriteBufferSize(tuning.memtableBytes())
          .setMaxWriteBufferNumber(tuning.maxWriteBuffers())
          .setLevel0FileNumCompactionTrigger(tuning.l0CompactionTrigger())
          .setLevel0SlowdownWritesTrigger(tuning.l0SlowdownTrigger())
          .setLevel0StopWritesTrigger(tuning.l0StopTrigger())
          .setNumLevels(tuning.numLevels())
          .setTargetFileSizeBase(tuning.targetFileBytes())
          .setMaxBytesForLevelBase(tuning.levelBaseBytes())
          .setMaxBytesForLevelMultiplier(tuning.levelMultiplier())
          .setMaxBackgroundJobs(tuning.backgroundJobs());
    }
    WriteOptions writeOptions = new WriteOptions().setSync(sync).setDisableWAL(false);
    owned.add(writeOptions);
    try {
      RocksDB db = RocksDB.open(options, dir.toString());
      return new RocksAdapter(db, dir, writeOptions, owned);
    } catch (RocksDBException e) {
      owned.forEach(RocksObject::close);
      throw new IllegalStateException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static CompressionType compression(String kiwiName) {
    return switch (kiwiName) {
      case "none" -> CompressionType.NO_COMPRESSION;
      case "lz4" -> CompressionType.LZ4_COMPRESSION;
      default ->
          throw new IllegalArgumentException(
              "no RocksDB equivalent for kiwi compression " + kiwiName);
    };
  }

  @Override
  public void put(byte[] key, byte[] value) {
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw failure("put", e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw failure("get", e);
    }
  }

  @Override
  public void delete(byte[] key) {
    try {
      db.delete(writeOptions, key);
    } catch (RocksDBException e) {
      throw failure("delete", e);
    }
  }

  @Override
  public void writeBatch(byte[][] keys, byte[][] values, int count) {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < count; i++) {
        if (values[i] == null) {
          batch.delete(keys[i]);
        } else {
          batch.put(keys[i], values[i]);
        }
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw failure("write", e);
    }
  }

  @Override
  public Cursor cursor() {
    return new RocksCursor(db.newIterator());
  }

  @Override
  public void flushAndSettle() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
      long deadline = System.nanoTime() + 120_000_000_000L;
      int quietPolls = 0;
      while (quietPolls < 3 && System.nanoTime() < deadline) {
        KiwiAdapter.sleep(50);
        boolean busy =
            db.getLongProperty("rocksdb.compaction-pending") != 0
                || db.getLongProperty("rocksdb.num-running-compactions") != 0
                || db.getLongProperty("rocksdb.num-running-flushes") != 0
                || db.getLongProperty("rocksdb.mem-table-flush-pending") != 0;
        quietPolls = busy ? 0 : quietPolls + 1;
      }
    } catch (RocksDBException e) {
      throw failure("flush", e);
    }
  }

  @Override
  public long diskBytes() {
    return DiskUsage.bytesUnder(dir);
  }

  @Override
  public BackgroundWrites backgroundWrites() {
    try {
      // Per-level compaction stats; L0's writes are flush outputs (plus intra-L0 compactions,
      // which these workloads do not trigger), the sum over levels is every table byte written.
      Map<String, String> stats = db.getMapProperty("rocksdb.cfstats");
      long total = gib(stats.get("compaction.Sum.WriteGB"));
      long flushed = gib(stats.get("compaction.L0.WriteGB"));
      return new BackgroundWrites(flushed, total - flushed, walBytes());
    } catch (RocksDBException e) {
      throw failure("cfstats", e);
    }
  }

  /**
   * The DB-wide {@code db.wal_bytes_written} of the {@code rocksdb.dbstats} map property: the write
   * batches appended to the WAL since open (RocksDB counts the batches, not the 7-byte headers of
   * the log's physical records), or -1 when this RocksDB does not report it.
   */
  private long walBytes() throws RocksDBException {
    String v = db.getMapProperty("rocksdb.dbstats").get("db.wal_bytes_written");
    if (v == null) {
      return -1;
    }
    try {
      return (long) Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public long fileCount() {
    return DiskUsage.filesUnder(dir);
  }

  private static long gib(String value) {
    return value == null ? 0 : Math.round(Double.parseDouble(value) * GIB);
  }

  @Override
  public void close() {
    db.close();
    owned.forEach(RocksObject::close);
  }

  private static IllegalStateException failure(String op, RocksDBException e) {
    return new IllegalStateException("RocksDB " + op + " failed: " + e.getMessage(), e);
  }

  /** Adapts {@link RocksIterator}; every call crosses JNI, as it does for any RocksJava user. */
  private static final class RocksCursor implements Cursor {
    private final RocksIterator it;

    RocksCursor(RocksIterator it) {
      this.it = it;
    }

    @Override
    public void seekToFirst() {
      it.seekToFirst();
    }

    @Override
    public void seekToLast() {
      it.seekToLast();
    }

    @Override
    public void seek(byte[] target) {
      it.seek(target);
    }

    @Override
    public void next() {
      it.next();
    }

    @Override
    public void prev() {
      it.prev();
    }

    @Override
    public boolean isValid() {
      return it.isValid();
    }

    @Override
    public byte[] key() {
      return it.key();
    }

    @Override
    public byte[] value() {
      return it.value();
    }

    @Override
    public void close() {
      it.close();
    }
  }
}
