package io.kiwidb.bench.table;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.table.BlockCache;
import io.kiwidb.sstable.table.TableBuilder;
import io.kiwidb.sstable.table.TableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.EnvOptions;
import org.rocksdb.IngestExternalFileOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileWriter;

/**
 * Table-level benchmark, kiwi-db against RocksDB (RocksJava) on the same data in one run: build
 * MB/s, point lookups/s with a warm and a cold block cache, and seek + next 10.
 *
 * <p>Data: {@code N} entries (default 1M), 16-byte keys {@code k%015d}, 100-byte values that
 * compress about 2:1 (50 random printable bytes, repeated), as db_bench's default {@code
 * compression_ratio=0.5}. Both sides use 4 KiB blocks, restart interval 16, no filter (lookups are
 * of present keys, where a filter cannot help), and the same codec per row.
 *
 * <p>"Warm": block cache big enough for every data block, pre-filled by one pass. "Cold": no data
 * block cache (kiwi: data limit 0; RocksDB: {@code no_block_cache}); index blocks stay in memory on
 * both sides and the OS page cache is warm, so "cold" measures the per-lookup cost of reading,
 * checksumming and decoding a block, not disk latency.
 *
 * <p>RocksDB answers lookups through a DB (the SST ingested into L6), so its numbers include the
 * DB's own read path (memtable check, version pinning, JNI); kiwi's are {@code TableReader.get}
 * alone. Read the ratios with that in mind.
 *
 * <p>Run: {@code mvn -q -o package -DskipTests -pl kiwi-bench -am} then {@code java -cp
 * "kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/*" io.kiwidb.bench.table.TableBench
 * [entries] [lookups]}.
 */
public final class TableBench {
  private static final int KEY_LEN = 16;
  private static final int VALUE_LEN = 100;

  private final int n;
  private final int lookups;
  private final Path dir;
  private final byte[][] keys;
  private final byte[][] values;

  private TableBench(int n, int lookups, Path dir) {
    this.n = n;
    this.lookups = lookups;
    this.dir = dir;
    // Generated once, outside the timed loops, and shared by both engines.
    this.keys = new byte[n][];
    this.values = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = key(i);
      values[i] = value(i);
    }
  }

  /** Entry point; arguments: entry count (1000000), lookups per measurement (300000). */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int lookups = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    RocksDB.loadLibrary();
    Path dir = Files.createTempDirectory("kiwi-table-bench");
    try {
      new TableBench(n, lookups, dir).run();
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static byte[] key(long i) {
    return String.format(Locale.ROOT, "k%015d", i).getBytes(UTF_8);
  }

  static byte[] value(long i) {
    SplittableRandom r = new SplittableRandom(i).split();
    byte[] v = new byte[VALUE_LEN];
    for (int j = 0; j < VALUE_LEN / 2; j++) {
      v[j] = (byte) (' ' + r.nextInt(95));
    }
    System.arraycopy(v, 0, v, VALUE_LEN / 2, VALUE_LEN / 2);
    return v;
  }

  private void run() throws Exception {
    System.out.printf(
        "# %d entries, key %d B, value %d B, raw %.1f MB; %d lookups per measurement; %s%n",
        n, KEY_LEN, VALUE_LEN, rawMb(), lookups, Runtime.version());
    codecMicro();
    System.out.println(
        "| codec | engine | build MB/s | file MB | get/s warm | get/s cold | seek+next10/s warm |");
    System.out.println("|---|---|---|---|---|---|---|");
    // One unreported pass over a tenth of the data warms the JIT of both engines and both codecs,
    // so the first measured row is not penalised.
    for (String codec : new String[] {"none", "lz4"}) {
      measure(codec, n / 10, false);
    }
    for (String codec : new String[] {"none", "lz4"}) {
      measure(codec, n, true);
    }
  }

  private void measure(String codec, int count, boolean print) throws Exception {
    String tag = codec + (print ? "" : "-warmup");
    Path kp = dir.resolve("kiwi-" + tag + ".sst");
    Path rp = dir.resolve("rocks-" + tag + ".sst");
    double kBuild = buildKiwi(codec, count, kp);
    double rBuild = buildRocks(codec, count, rp);
    double[] k = readKiwi(kp, count);
    double[] r = readRocks(rp, codec + (print ? "" : "-warmup"), count);
    if (!print) {
      return;
    }
    row(codec, "kiwi", kBuild, Files.size(kp), k);
    row(codec, "rocksdb", rBuild, Files.size(rp), r);
    System.out.printf(
        "| %s | kiwi/rocks | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
        codec,
        kBuild / rBuild,
        (double) Files.size(kp) / Files.size(rp),
        k[0] / r[0],
        k[1] / r[1],
        k[2] / r[2]);
  }

  private double rawMb() {
    return (double) n * (KEY_LEN + VALUE_LEN) / 1e6;
  }

  private static void row(String codec, String engine, double build, long size, double[] reads) {
    System.out.printf(
        "| %s | %s | %.1f | %.1f | %,.0f | %,.0f | %,.0f |%n",
        codec, engine, build, size / 1e6, reads[0], reads[1], reads[2]);
  }

  /** Ratio and speed of lz4 on 4 KiB slices of the benchmark's entries. */
  private void codecMicro() {
    Compressor lz4 = NamedProviders.find(Compressor.class, "compression", "lz4");
    byte[] block = new byte[4096];
    int p = 0;
    for (long i = 0; p < block.length; i++) {
      byte[] kv = concat(key(i), value(i));
      int len = Math.min(kv.length, block.length - p);
      System.arraycopy(kv, 0, block, p, len);
      p += len;
    }
    byte[] packed = lz4.compress(block, 0, block.length);
    int rounds = 50_000;
    for (int w = 0; w < 2; w++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        packed = lz4.compress(block, 0, block.length);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        lz4.decompress(packed, 0, packed.length, block.length);
      }
      long t2 = System.nanoTime();
      if (w == 1) {
        System.out.printf(
            "# lz4 on 4 KiB blocks of this data: ratio %.2f, compress %.0f MB/s, decompress %.0f MB/s%n",
            (double) block.length / packed.length,
            rounds * 4096.0 / ((t1 - t0) / 1e3),
            rounds * 4096.0 / ((t2 - t1) / 1e3));
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private double buildKiwi(String codec, int count, Path path) {
    TableOptions o =
        TableOptions.defaults()
            .withCompressor(NamedProviders.find(Compressor.class, "compression", codec));
    long t0 = System.nanoTime();
    try (TableBuilder b = TableBuilder.create(FileSystems.local(), path, o)) {
      for (int i = 0; i < count; i++) {
        b.add(keys[i], i + 1, EntryKind.PUT, values[i]);
      }
      b.finish();
    }
    return mbPerSec(count, System.nanoTime() - t0);
  }

  private double buildRocks(String codec, int count, Path path) throws RocksDBException {
    long t0 = System.nanoTime();
    try (Options options = rocksOptions(codec, false);
        EnvOptions env = new EnvOptions();
        SstFileWriter w = new SstFileWriter(env, options)) {
      w.open(path.toString());
      for (int i = 0; i < count; i++) {
        w.put(keys[i], values[i]);
      }
      w.finish();
    }
    return mbPerSec(count, System.nanoTime() - t0);
  }

  private static double mbPerSec(int count, long nanos) {
    return count * (double) (KEY_LEN + VALUE_LEN) / 1e6 / (nanos / 1e9);
  }

  private static Options rocksOptions(String codec, boolean noCache) {
    BlockBasedTableConfig t = new BlockBasedTableConfig();
    t.setBlockSize(4096);
    t.setBlockRestartInterval(16);
    if (noCache) {
      t.setNoBlockCache(true);
    } else {
      t.setBlockCache(new LRUCache(512L << 20));
    }
    return new Options()
        .setCreateIfMissing(true)
        .setTableFormatConfig(t)
        .setCompressionType(
            codec.equals("lz4") ? CompressionType.LZ4_COMPRESSION : CompressionType.NO_COMPRESSION);
  }

  private long[] lookupOrder(int count) {
    SplittableRandom r = new SplittableRandom(7);
    long[] ids = new long[lookups];
    for (int i = 0; i < lookups; i++) {
      ids[i] = r.nextInt(count);
    }
    return ids;
  }

  /** Returns gets/s warm, gets/s cold, seek+next10/s warm. */
  private double[] readKiwi(Path path, int count) {
    long[] ids = lookupOrder(count);
    byte[][] keys = new byte[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      keys[i] = this.keys[(int) ids[i]];
    }
    double[] out = new double[3];
    // Every data block fits (about n * 130 B / 4 KiB blocks).
    BlockCache warm = new BlockCache(n / 16 + 1024, 64, 64);
    try (TableReader t = TableReader.open(FileSystems.local(), path, 1, warm)) {
      check(t.get(keys[0], KeyOrder.MAX_SEQUENCE).isFound());
      kiwiGets(t, keys); // fills the cache, warms the JIT
      kiwiGets(t, keys);
      out[0] = kiwiGets(t, keys);
      try (InternalIterator it = t.iterator()) {
        kiwiScans(it, keys);
        out[2] = kiwiScans(it, keys);
      }
    }
    BlockCache cold = new BlockCache(0, 64, 64);
    try (TableReader t = TableReader.open(FileSystems.local(), path, 1, cold)) {
      kiwiGets(t, Arrays.copyOf(keys, keys.length / 4));
      out[1] = kiwiGets(t, keys);
    }
    return out;
  }

  private static double kiwiGets(TableReader t, byte[][] keys) {
    long t0 = System.nanoTime();
    int found = 0;
    for (byte[] k : keys) {
      if (t.get(k, KeyOrder.MAX_SEQUENCE).isFound()) {
        found++;
      }
    }
    long dt = System.nanoTime() - t0;
    check(found == keys.length);
    return keys.length / (dt / 1e9);
  }

  private static double kiwiScans(InternalIterator it, byte[][] keys) {
    int ops = keys.length / 4;
    long t0 = System.nanoTime();
    long sum = 0;
    for (int i = 0; i < ops; i++) {
      it.seek(keys[i], KeyOrder.MAX_SEQUENCE);
      for (int j = 0; j < 10 && it.isValid(); j++) {
        sum += it.value().length;
        it.next();
      }
    }
    long dt = System.nanoTime() - t0;
    check(sum > 0);
    return ops / (dt / 1e9);
  }

  private double[] readRocks(Path sst, String codec, int count)
      throws RocksDBException, IOException {
    long[] ids = lookupOrder(count);
    byte[][] keys = new byte[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      keys[i] = this.keys[(int) ids[i]];
    }
    double[] out = new double[3];
    Path db = dir.resolve("rocks-db-" + codec);
    try (Options o = rocksOptions(codec.replace("-warmup", ""), false);
        RocksDB rdb = RocksDB.open(o, db.toString());
        IngestExternalFileOptions ingest = new IngestExternalFileOptions()) {
      ingest.setMoveFiles(false);
      rdb.ingestExternalFile(java.util.List.of(sst.toString()), ingest);
      rocksGets(rdb, keys);
      rocksGets(rdb, keys);
      out[0] = rocksGets(rdb, keys);
      try (ReadOptions ro = new ReadOptions();
          RocksIterator it = rdb.newIterator(ro)) {
        rocksScans(it, keys);
        out[2] = rocksScans(it, keys);
      }
    }
    try (Options o = rocksOptions(codec.replace("-warmup", ""), true);
        RocksDB rdb = RocksDB.open(o, db.toString())) {
      rocksGets(rdb, Arrays.copyOf(keys, keys.length / 4));
      out[1] = rocksGets(rdb, keys);
    }
    return out;
  }

  private static double rocksGets(RocksDB db, byte[][] keys) throws RocksDBException {
    long t0 = System.nanoTime();
    int found = 0;
    for (byte[] k : keys) {
      if (db.get(k) != null) {
        found++;
      }
    }
    long dt = System.nanoTime() - t0;
    check(found == keys.length);
    return keys.length / (dt / 1e9);
  }

  private static double rocksScans(RocksIterator it, byte[][] keys) {
    int ops = keys.length / 4;
    long t0 = System.nanoTime();
    long sum = 0;
    for (int i = 0; i < ops; i++) {
      it.seek(keys[i]);
      for (int j = 0; j < 10 && it.isValid(); j++) {
        sum += it.value().length;
        it.next();
      }
    }
    long dt = System.nanoTime() - t0;
    check(sum > 0);
    return ops / (dt / 1e9);
  }

  private static void check(boolean ok) {
    if (!ok) {
      throw new IllegalStateException("benchmark self-check failed");
    }
  }
}
