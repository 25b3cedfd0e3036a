package io.kiwidb.bench.engine;

import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.TableSummary;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.api.spi.TableMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/**
 * Write and space amplification of fillrandom + overwrite, kiwi-db (leveled, tiered) next to
 * RocksDB (leveled, universal) in one run.
 *
 * <p>Workload, the same for every engine (same seeds): {@code fillrandom} writes N keys drawn
 * uniformly with replacement from {@code [0, N)} (as db_bench does), then {@code overwrite} writes
 * N more from the same range; 16-byte keys, 100-byte random values, one thread, WAL on without
 * fsync (kiwi {@code wal_sync_mode = none}, RocksDB {@code sync = false}), no compression. At the
 * end the memtable is flushed and background compaction is waited out.
 *
 * <p>Definitions, the same for both engines:
 *
 * <ul>
 *   <li><b>write amplification</b> = (table bytes written by flushes + by compactions) / user bytes
 *       ingested ({@code 2N x 116}). kiwi: {@code EngineCounters.bytesFlushed + bytesCompacted}
 *       (trivial moves write nothing); RocksDB: tickers {@code FLUSH_WRITE_BYTES +
 *       COMPACT_WRITE_BYTES}. WAL bytes are not counted on either side.
 *   <li><b>space amplification</b> = live table bytes once compaction has settled / logical live
 *       bytes ({@code distinct keys written x 116}).
 * </ul>
 *
 * <p>Shape, comparable on both sides and scaled by one argument {@code M} (memtable MiB, default
 * 64, both engines' default): memtable M, L0 trigger 4, L1 target 4M, level multiplier 10, output
 * files of M, bloom filters of about 10 bits/key, 1 flush + 1 compaction thread.
 *
 * <p>Run: {@code mvn -q -o package -DskipTests -pl kiwi-bench -am}, then {@code java -Xmx2g -cp
 * "kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/*"
 * io.kiwidb.bench.engine.AmplificationBench [N] [memtableMb] [engines] [dir]}, where engines is a
 * comma list of {@code kiwi-leveled, kiwi-tiered, rocks-leveled, rocks-leveled-static,
 * rocks-universal} (default: all but rocks-leveled-static). A kiwi engine may name its memtable
 * after an {@code @}: {@code kiwi-leveled@arena} (the engine's default otherwise).
 */
public final class AmplificationBench {
  private static final int L0_TRIGGER = 4;
  private static final int MULTIPLIER = 10;
  private static final int MAX_LEVELS = 6;

  private final long n;
  private final int memMb;
  private final long distinct;

  private AmplificationBench(long n, int memMb) {
    this.n = n;
    this.memMb = memMb;
    BitSet seen = new BitSet((int) n);
    for (long seed : new long[] {fillSeed(), overwriteSeed()}) {
      SplittableRandom r = new SplittableRandom(seed);
      for (long i = 0; i < n; i++) {
        seen.set((int) r.nextLong(n));
        Workload.value(r); // keeps the draws in step with load()
      }
    }
    this.distinct = seen.cardinality();
  }

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Workload.quietConsoleLogging();
    long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    int memMb = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    String engines =
        args.length > 2 ? args[2] : "kiwi-leveled,kiwi-tiered,rocks-leveled,rocks-universal";
    Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("kiwi-amplification");
    RocksDB.loadLibrary();
    AmplificationBench bench = new AmplificationBench(n, memMb);
    System.out.printf(
        Locale.ROOT,
        "N=%d (fillrandom N + overwrite N), distinct keys %d, user bytes %.1f MiB, live %.1f MiB;"
            + " memtable %d MiB, L1 %d MiB, x%d, files %d MiB%n",
        n,
        bench.distinct,
        Workload.mb(2 * n * Workload.ENTRY_BYTES),
        Workload.mb(bench.distinct * Workload.ENTRY_BYTES),
        memMb,
        4 * memMb,
        MULTIPLIER,
        memMb);
    System.out.println(
        "| engine | fill s | overwrite s | settle s | flush MiB | compaction MiB | write amp |"
            + " table MiB | space amp | shape |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (String engine : engines.split(",")) {
      Path root = dir.resolve(engine);
      Workload.deleteTree(root);
      int at = engine.indexOf('@');
      String memtable = at < 0 ? null : engine.substring(at + 1);
      Result r =
          switch (at < 0 ? engine : engine.substring(0, at)) {
            case "kiwi-leveled" -> bench.runKiwi(root, "leveled", memtable);
            case "kiwi-tiered" -> bench.runKiwi(root, "tiered", memtable);
            case "rocks-leveled" -> bench.runRocks(root, CompactionStyle.LEVEL, true);
            case "rocks-leveled-static" -> bench.runRocks(root, CompactionStyle.LEVEL, false);
            case "rocks-universal" -> bench.runRocks(root, CompactionStyle.UNIVERSAL, true);
            default -> throw new IllegalArgumentException("unknown engine: " + engine);
          };
      bench.print(engine, r);
      Workload.deleteTree(root);
    }
  }

  private record Result(
      double fillSec,
      double overwriteSec,
      double settleSec,
      long flushBytes,
      long compactionBytes,
      long tableBytes,
      String shape) {}

  private void print(String engine, Result r) {
    long user = 2 * n * Workload.ENTRY_BYTES;
    System.out.printf(
        Locale.ROOT,
        "| %s | %.1f | %.1f | %.1f | %.0f | %.0f | **%.2f** | %.0f | %.2f | %s |%n",
        engine,
        r.fillSec,
        r.overwriteSec,
        r.settleSec,
        Workload.mb(r.flushBytes),
        Workload.mb(r.compactionBytes),
        (double) (r.flushBytes + r.compactionBytes) / user,
        Workload.mb(r.tableBytes),
        (double) r.tableBytes / (distinct * Workload.ENTRY_BYTES),
        r.shape);
  }

  private long fillSeed() {
    return 0x5EED0001L + n;
  }

  private long overwriteSeed() {
    return 0x5EED0002L + n;
  }

  /** One writer interface over both engines, so both see the same sequence of puts. */
  private interface Writer {
    void put(byte[] key, byte[] value) throws Exception;
  }

  private double load(long seed, Writer w) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    long start = System.nanoTime();
    for (long i = 0; i < n; i++) {
      byte[] key = Workload.key(r.nextLong(n));
      w.put(key, Workload.value(r));
    }
    return (System.nanoTime() - start) / 1e9;
  }

  // ---------------------------------------------------------------- kiwi

  private Result runKiwi(Path root, String strategy, String memtable) throws Exception {
    Files.createDirectories(root);
    Path config = root.resolve("config.json");
    Files.writeString(
        config,
        "{\n"
            + "  \"max_memtable_size_mb\": "
            + memMb
            + ",\n"
            + "  \"l0_compaction_threshold\": "
            + L0_TRIGGER
            + ",\n"
            + "  \"level_size_multiplier\": "
            + MULTIPLIER
            + ",\n"
            + "  \"max_bytes_for_level_base_mb\": "
            + 4 * memMb
            + ",\n"
            + "  \"target_file_size_mb\": "
            + memMb
            + ",\n"
            + "  \"max_levels\": "
            + MAX_LEVELS
            + ",\n"
            + "  \"compaction_strategy\": \""
            + strategy
            + "\",\n"
            + (memtable == null ? "" : "  \"memtable_impl\": \"" + memtable + "\",\n")
            + "  \"compression\": \"none\",\n"
            + "  \"filter_policy\": \"bloom\",\n"
            + "  \"flush_max_workers\": 1,\n"
            + "  \"compaction_max_workers\": 1,\n"
            + "  \"wal_sync_mode\": \"none\",\n"
            + "  \"log_broadcast_enabled\": false\n"
            + "}\n",
        StandardCharsets.UTF_8);
    CompactionOptions options =
        new CompactionOptions(
            L0_TRIGGER, MAX_LEVELS, (4L * memMb) << 20, MULTIPLIER, (long) memMb << 20);
    CompactionStrategy picker = NamedProviders.all(CompactionStrategy.class).get(strategy);
    try (StorageEngine db = KiwiDb.open(root, config)) {
      double fill = load(fillSeed(), db::put);
      double over = load(overwriteSeed(), db::put);
      long start = System.nanoTime();
      db.flush();
      awaitKiwiSettled(db, picker, options);
      double settle = (System.nanoTime() - start) / 1e9;
      EngineStats stats = db.stats();
      DiskListing disk = db.showDisk();
      long tables = 0;
      for (List<TableSummary> level : disk.levels().values()) {
        for (TableSummary t : level) {
          tables += t.sizeBytes();
        }
      }
      return new Result(
          fill,
          over,
          settle,
          stats.counters().bytesFlushed(),
          stats.counters().bytesCompacted(),
          tables,
          kiwiShape(disk));
    }
  }

  /**
   * Waits until no memtable awaits flush and the picker, shown every live file as idle, has nothing
   * to do: a running compaction still lists its inputs, so that view asks for them again until the
   * result is installed. Checked twice in a row, a compaction check interval apart.
   */
  private static void awaitKiwiSettled(
      StorageEngine db, CompactionStrategy picker, CompactionOptions options)
      throws InterruptedException {
    int quiet = 0;
    for (int round = 1; quiet < 2; round++) {
      Thread.sleep(600);
      EngineStats stats = db.stats();
      var plan = picker.pick(view(db.showDisk()), options);
      boolean idle = stats.immutableQueueLen() == 0 && plan.isEmpty();
      quiet = idle ? quiet + 1 : 0;
      if (round % 100 == 0) {
        System.err.println("still settling: " + stats + " " + plan);
      }
    }
  }

  private static LevelView view(DiskListing disk) {
    List<List<TableMeta>> levels = new ArrayList<>();
    for (int i = 0; i <= MAX_LEVELS; i++) {
      levels.add(new ArrayList<>());
    }
    for (List<TableSummary> level : disk.levels().values()) {
      for (TableSummary t : level) {
        while (levels.size() <= t.level()) {
          levels.add(new ArrayList<>());
        }
        levels
            .get(t.level())
            .add(
                new TableMeta(
                    Long.parseLong(t.fileId()),
                    t.level(),
                    t.smallestKey(),
                    t.largestKey(),
                    t.sizeBytes(),
                    t.recordCount(),
                    t.tombstoneCount(),
                    t.minSeq(),
                    t.maxSeq()));
      }
    }
    return new LevelView(levels, Set.of());
  }

  private static String kiwiShape(DiskListing disk) {
    Map<Integer, long[]> byLevel = new LinkedHashMap<>();
    for (List<TableSummary> level : disk.levels().values()) {
      for (TableSummary t : level) {
        long[] c = byLevel.computeIfAbsent(t.level(), k -> new long[2]);
        c[0]++;
        c[1] += t.sizeBytes();
      }
    }
    StringBuilder sb = new StringBuilder();
    byLevel.forEach(
        (level, c) ->
            sb.append(String.format(Locale.ROOT, "L%d:%d/%.0fM ", level, c[0], Workload.mb(c[1]))));
    return sb.toString().trim();
  }

  // ---------------------------------------------------------------- RocksDB

  private Result runRocks(Path root, CompactionStyle style, boolean dynamicLevels)
      throws Exception {
    Files.createDirectories(root);
    try (Statistics stats = new Statistics();
        BloomFilter bloom = new BloomFilter(10);
        Options o = new Options();
        WriteOptions wo = new WriteOptions().setSync(false);
        FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      o.setCreateIfMissing(true)
          .setStatistics(stats)
          .setCompressionType(CompressionType.NO_COMPRESSION)
          .setWriteBufferSize((long) memMb << 20)
          .setMaxWriteBufferNumber(2)
          .setLevel0FileNumCompactionTrigger(L0_TRIGGER)
          .setLevel0SlowdownWritesTrigger(20)
          .setLevel0StopWritesTrigger(36)
          .setMaxBytesForLevelBase((4L * memMb) << 20)
          .setMaxBytesForLevelMultiplier(MULTIPLIER)
          .setTargetFileSizeBase((long) memMb << 20)
          .setNumLevels(MAX_LEVELS + 1)
          .setCompactionStyle(style)
          .setLevelCompactionDynamicLevelBytes(dynamicLevels)
          .setMaxBackgroundJobs(2)
          .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloom));
      double fill;
      double over;
      double settle;
      String shape;
      long tables;
      try (RocksDB db = RocksDB.open(o, root.toString())) {
        fill = load(fillSeed(), (k, v) -> db.put(wo, k, v));
        over = load(overwriteSeed(), (k, v) -> db.put(wo, k, v));
        long start = System.nanoTime();
        db.flush(fo);
        awaitRocksSettled(db);
        settle = (System.nanoTime() - start) / 1e9;
        tables = db.getLongProperty("rocksdb.live-sst-files-size");
        shape = rocksShape(db);
      }
      return new Result(
          fill,
          over,
          settle,
          stats.getTickerCount(TickerType.FLUSH_WRITE_BYTES),
          stats.getTickerCount(TickerType.COMPACT_WRITE_BYTES),
          tables,
          shape);
    }
  }

  private static void awaitRocksSettled(RocksDB db) throws RocksDBException, InterruptedException {
    // Not "compaction-pending": universal reports a score of 1 at its trigger even when its
    // picker declines to merge (size ratios), so that never clears. RocksDB schedules a wanted
    // compaction at once, so nothing running for a few checks in a row means settled.
    int quiet = 0;
    while (quiet < 4) {
      Thread.sleep(600);
      boolean idle =
          db.getLongProperty("rocksdb.num-running-compactions") == 0
              && db.getLongProperty("rocksdb.num-running-flushes") == 0
              && db.getLongProperty("rocksdb.mem-table-flush-pending") == 0;
      quiet = idle ? quiet + 1 : 0;
    }
  }

  private static String rocksShape(RocksDB db) throws RocksDBException {
    long[] bytes = new long[MAX_LEVELS + 1];
    db.getColumnFamilyMetaData()
        .levels()
        .forEach(
            l -> {
              if (l.level() < bytes.length) {
                bytes[l.level()] = l.size();
              }
            });
    StringBuilder sb = new StringBuilder();
    for (int level = 0; level <= MAX_LEVELS; level++) {
      String files = db.getProperty("rocksdb.num-files-at-level" + level);
      if (!"0".equals(files)) {
        sb.append(
            String.format(Locale.ROOT, "L%d:%s/%.0fM ", level, files, Workload.mb(bytes[level])));
      }
    }
    return sb.toString().trim();
  }
}
