package io.kiwidb.bench.wal;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.wal.SyncMode;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The WAL against the raw file operations it is built from, on one disk in one run:
 *
 * <ul>
 *   <li>raw fsync rate: append a 128-byte record to a growing file and {@code fdatasync} ({@code
 *       FileChannel.force(false)}), in a loop, one thread;
 *   <li>WAL {@code always}, one writer on a bare log, then 2, 4, 8 and 16 writer threads through
 *       the engine, whose commit pipeline groups them (a 128-byte record each: 7-byte chunk header
 *       + 121-byte payload with a 16-byte key and an 82-byte value);
 *   <li>raw sequential write MB/s (4 KiB appends, no sync) against WAL {@code none} MB/s (one batch
 *       of one 4 KiB value per append, 4143 bytes on disk).
 * </ul>
 *
 * <p>Each case runs {@code -Dseconds=N} (default 0.3) after a short warm-up and is repeated {@code
 * -Drounds=N} (default 15) times. Within each phase (first the fsync cases, then the unsynced ones,
 * whose dirty pages would slow later fsyncs) rounds are interleaved so that a noisy neighbour hurts
 * all cases alike; ratios are taken within a round and the medians reported. Usage: {@code java -cp
 * kiwi-bench/jmh/target/kiwi-bench-jmh.jar:kiwi-bench/jmh/target/lib/*
 * io.kiwidb.bench.wal.WalBenchmark [dir]} (default: a new directory under {@code /tmp}). A
 * main-method runner rather than JMH: the quantities are throughputs of I/O loops over seconds, and
 * the thread sweep shares one log, which JMH's per-thread model fits poorly.
 */
public final class WalBenchmark {
  private static final int RECORD = 128;
  private static final int BIG_VALUE = 4096;

  /** A one-put batch of a 16-byte key and a 4 KiB value: 7 + 20 + 1 + 1 + 16 + 2 + 4096 bytes. */
  private static final int WAL_RECORD_ON_DISK = 4143;

  private final Path root;
  private double lastAverageGroup;

  private WalBenchmark(Path root) {
    this.root = root;
  }

  /** Runs every case and prints a Markdown table. */
  public static void main(String[] args) throws Exception {
    Path root =
        args.length > 0
            ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory(Path.of("/tmp"), "kiwi-wal-bench");
    double seconds = Double.parseDouble(System.getProperty("seconds", "0.3"));
    int rounds = Integer.getInteger("rounds", 15);
    WalBenchmark b = new WalBenchmark(root);
    int[] threads = {1, 2, 4, 8, 16};
    // Per round: raw fsync, always x threads..., raw sequential, none, none with rolls.
    List<double[]> results = new ArrayList<>();
    try {
      b.rawFsync(0.5);
      b.wal(SyncMode.ALWAYS, 1, RECORD, 0.5);
      // The fsync cases first, then the unsynced ones: hundreds of MB of dirty page cache left by
      // the latter make every later fsync wait for their writeback (ext4 data=ordered), which
      // would hit the 1-thread cases hardest.
      for (int r = 0; r < rounds; r++) {
        double[] x = new double[threads.length * 2 + 5];
        x[0] = b.rawFsync(seconds);
        for (int i = 0; i < threads.length; i++) {
          x[1 + i] = b.wal(SyncMode.ALWAYS, threads[i], RECORD, seconds);
          x[threads.length + 4 + i] = b.lastAverageGroup;
        }
        results.add(x);
      }
      for (int r = 0; r < rounds; r++) {
        double[] x = results.get(r);
        x[threads.length + 1] = b.rawSequential(seconds, BIG_VALUE);
        x[threads.length * 2 + 4] = b.rawSequential(seconds, WAL_RECORD_ON_DISK);
        double recordMb = WAL_RECORD_ON_DISK / 1e6;
        x[threads.length + 2] = b.wal(SyncMode.NONE, 1, BIG_VALUE, seconds) * recordMb;
        x[threads.length + 3] = b.wal(SyncMode.NONE, BIG_VALUE, seconds, true) * recordMb;
        System.out.println("round " + (r + 1) + ": " + java.util.Arrays.toString(x));
      }
    } finally {
      try (Stream<Path> s = Files.walk(root)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    // Medians over rounds; ratios are taken within a round (paired), then the median, so that a
    // neighbour's burst of I/O during one round does not skew a ratio.
    int raw = 0;
    int seq = threads.length + 1;
    System.out.println();
    System.out.println(
        "| case | median | ratio (median of per-round ratios) | target | batches per fsync |");
    System.out.println("|---|---|---|---|---|");
    row(
        "raw: 128 B append + fdatasync, 1 thread",
        median(results, x -> x[raw]),
        "ops/s",
        "1.00",
        "");
    for (int i = 0; i < threads.length; i++) {
      int k = 1 + i;
      String ratio =
          i == 0
              ? fmt(median(results, x -> x[1] / x[raw])) + " of raw"
              : fmt(median(results, x -> x[k] / x[1])) + "x 1 thread";
      String target = i == 0 ? ">= 0.90 of raw" : threads[i] == 8 ? ">= 5x 1 thread" : "";
      int g = threads.length + 4 + i;
      row(
          "WAL always, " + threads[i] + " thread" + (threads[i] > 1 ? "s" : ""),
          median(results, x -> x[k]),
          "ops/s",
          ratio,
          target + " | " + fmt(median(results, x -> x[g])));
    }
    row("raw: 4 KiB sequential write, no sync", median(results, x -> x[seq]), "MB/s", "1.00", "");
    int unaligned = threads.length * 2 + 4;
    row(
        "raw: 4143 B sequential write (the WAL record's size), no sync",
        median(results, x -> x[unaligned]),
        "MB/s",
        fmt(median(results, x -> x[unaligned] / x[seq])),
        "");
    row(
        "WAL none, 4 KiB value, 1 thread",
        median(results, x -> x[seq + 1]),
        "MB/s",
        fmt(median(results, x -> x[seq + 1] / x[seq]))
            + " of raw 4 KiB, "
            + fmt(median(results, x -> x[seq + 1] / x[unaligned]))
            + " of raw 4143 B",
        ">= 0.70 of raw");
    row(
        "WAL none, 4 KiB value, a segment roll (with its fsync) per 64 MiB",
        median(results, x -> x[seq + 2]),
        "MB/s",
        fmt(median(results, x -> x[seq + 2] / x[seq])) + " of raw",
        "");
  }

  private static double median(
      List<double[]> rounds, java.util.function.ToDoubleFunction<double[]> f) {
    double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void row(String name, double value, String unit, String ratio, String target) {
    System.out.printf(
        Locale.ROOT, "| %s | %,.0f %s | %s | %s |%n", name, value, unit, ratio, target);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Path freshDir(String name) throws IOException {
    Path d = root.resolve(name + "-" + System.nanoTime());
    Files.createDirectories(d);
    return d;
  }

  /** Appends of {@value #RECORD} bytes, each followed by fdatasync; returns ops/s. */
  private double rawFsync(double secs) throws IOException {
    Path f = freshDir("raw-fsync").resolve("raw.log");
    ByteBuffer rec = ByteBuffer.allocate(RECORD);
    new Random(1).nextBytes(rec.array());
    long ops = 0;
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long end = System.nanoTime() + (long) (secs * 1e9);
      long start = System.nanoTime();
      while (System.nanoTime() < end) {
        rec.clear();
        while (rec.hasRemaining()) {
          ch.write(rec);
        }
        ch.force(false);
        ops++;
      }
      return ops / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Appends of {@code size} bytes with no sync; returns MB/s. */
  private double rawSequential(double secs, int size) throws IOException {
    Path f = freshDir("raw-seq").resolve("raw.log");
    ByteBuffer buf = ByteBuffer.allocate(size);
    new Random(2).nextBytes(buf.array());
    long ops = 0;
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long end = System.nanoTime() + (long) (secs * 1e9);
      long start = System.nanoTime();
      while (System.nanoTime() < end) {
        buf.clear();
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ops++;
      }
      double rate = ops * size / 1e6 / ((System.nanoTime() - start) / 1e9);
      deleteTree(f.getParent());
      return rate;
    }
  }

  /**
   * {@code threads} writers of one-put batches; returns writes/s. One writer appends to a bare log
   * (append, then fdatasync in {@code always} mode); several write through the engine, whose commit
   * pipeline is where group commit lives now (the log itself is single-writer), so those figures
   * include the memtable insert.
   */
  private double wal(SyncMode mode, int threads, int recordBytes, double secs) throws Exception {
    return threads == 1
        ? wal(mode, recordBytes, secs, false)
        : engine(mode, threads, recordBytes, secs);
  }

  /** One writer appending one-put batches to a bare log; returns appends/s. */
  private double wal(SyncMode mode, int recordBytes, double secs, boolean roll) throws Exception {
    Path dir = freshDir("wal-" + mode);
    FileSystem fs = FileSystems.local();
    WriteAheadLog wal = WriteAheadLog.open(fs, dir, WalReplay.Result.empty(), 0);
    int valueBytes = recordBytes == RECORD ? 82 : recordBytes;
    long perSegment = (64L << 20) / (valueBytes + 40);
    byte[] key = new byte[16];
    byte[] value = new byte[valueBytes];
    Random r = new Random(1);
    r.nextBytes(key);
    r.nextBytes(value);
    List<WalBatch> batch = List.of(WalBatch.put(key, value, 0));
    long end = System.nanoTime() + (long) (secs * 1e9);
    long start = System.nanoTime();
    long seq = 0;
    long rolledAt = 0;
    while (System.nanoTime() < end) {
      wal.append(++seq, batch);
      if (mode == SyncMode.ALWAYS) {
        wal.sync();
      }
      // Bound disk use like the engine: a new segment per ~64 MiB "memtable", the old one
      // deleted (as if flushed).
      if (roll && seq - rolledAt > perSegment) {
        wal.roll();
        wal.deleteSegmentsThrough(seq);
        rolledAt = seq;
      }
    }
    double rate = seq / ((System.nanoTime() - start) / 1e9);
    lastAverageGroup = 1;
    wal.close();
    deleteTree(dir); // unsynced data of a deleted file never reaches the disk
    return rate;
  }

  /** {@code threads} writers putting through the engine; returns puts/s. */
  private double engine(SyncMode mode, int threads, int recordBytes, double secs) throws Exception {
    Path dir = freshDir("engine-" + mode + "-" + threads);
    Files.writeString(
        dir.resolve("config.json"),
        "{\"wal_sync_mode\": \""
            + mode.configName()
            + "\", \"log_broadcast_enabled\": false, \"max_memtable_size_mb\": 64}\n");
    int valueBytes = recordBytes == RECORD ? 82 : recordBytes;
    LongAdder ops = new LongAdder();
    try (StorageEngine db = KiwiDb.open(dir)) {
      long end = System.nanoTime() + (long) (secs * 1e9);
      List<Thread> workers = new ArrayList<>();
      AtomicLong keys = new AtomicLong();
      for (int t = 0; t < threads; t++) {
        byte[] value = new byte[valueBytes];
        new Random(t).nextBytes(value);
        workers.add(
            new Thread(
                () -> {
                  while (System.nanoTime() < end) {
                    db.put(
                        String.format("%016d", keys.incrementAndGet())
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        value);
                    ops.increment();
                  }
                }));
      }
      long start = System.nanoTime();
      workers.forEach(Thread::start);
      for (Thread w : workers) {
        w.join();
      }
      double rate = ops.sum() / ((System.nanoTime() - start) / 1e9);
      lastAverageGroup = Double.NaN;
      if (Boolean.getBoolean("verbose")) {
        System.out.printf(Locale.ROOT, "%s x%d: %.0f ops/s%n", mode, threads, rate);
      }
      return rate;
    } finally {
      deleteTree(dir);
    }
  }
}
