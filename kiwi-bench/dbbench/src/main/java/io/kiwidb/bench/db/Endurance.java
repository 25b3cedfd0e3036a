package io.kiwidb.bench.db;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The endurance run of one engine (in its own child JVM): a fresh store loaded with the key space
 * ({@code ycsb-load}, unmeasured), then {@code threads} threads running the mixed YCSB A+E
 * operations ({@link Workload.YcsbMix#ENDURANCE}: reads, updates, short scans, a few inserts) for
 * the run's duration, sampled every {@code sampleEvery}: throughput and latency percentiles of the
 * interval, heap, resident set, the store's file count and bytes, and the process's open file
 * descriptors.
 *
 * <p>Each worker records into its own {@link SingleWriterRecorder}; the sampler swaps out every
 * worker's interval histogram and adds them, so recording never waits for the sampler.
 *
 * <p>Thread safety: one run at a time, driven by the caller's thread (the sampler).
 */
final class Endurance {
  /** The columns of a sample. */
  static final String CSV_HEADER =
      "engine,elapsed_s,ops,ops_per_sec,p50_us,p99_us,p999_us,max_us,heap_used_mb,"
          + "heap_after_gc_mb,heap_committed_mb,rss_mb,files,disk_mb,open_fds";

  private static final Path FDS = Path.of("/proc/self/fd");
  private static final Path STATUS = Path.of("/proc/self/status");

  private final StoreFactory factory;
  private final EngineKind engine;
  private final KeySpace keys;
  private final BenchOptions options;
  private final Path dir;

  Endurance(
      StoreFactory factory, EngineKind engine, KeySpace keys, BenchOptions options, Path dir) {
    this.factory = factory;
    this.engine = engine;
    this.keys = keys;
    this.options = options;
    this.dir = dir;
  }

  /**
   * Loads, runs and samples; each sample goes to {@code sample} as a CSV row as soon as it is
   * taken.
   *
   * @return the number of samples
   */
  int run(Consumer<String> sample, Consumer<String> progress) {
    Path storeDir = dir.resolve(engine.label() + "-endurance");
    try (DbAdapter db = factory.open(engine, storeDir, false)) {
      StoreState state = new StoreState();
      WorkloadRunner runner = new WorkloadRunner(keys, options);
      progress.accept("  " + engine.label() + ": loading " + keys.num() + " keys (unmeasured)");
      runner.run(db, new WorkloadSpec(Workload.YCSB_LOAD, 0), state);
      db.flushAndSettle();
      return mixed(db, state, runner, sample, progress);
    } finally {
      DiskUsage.deleteTree(storeDir);
    }
  }

  private int mixed(
      DbAdapter db,
      StoreState state,
      WorkloadRunner runner,
      Consumer<String> sample,
      Consumer<String> progress) {
    Zipfian.Scatter scatter = new Zipfian.Scatter(keys.num(), options.seed());
    int threads = options.threads();
    List<Client> clients = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      YcsbClient c =
          new YcsbClient(
              db,
              keys,
              scatter,
              state,
              Workload.YcsbMix.ENDURANCE,
              options.zipfTheta(),
              new SplittableRandom(runner.seed(Workload.YCSB_A, t) ^ 0x5DEECE66DL));
      clients.add(new Client(c));
    }
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Client c = clients.get(t);
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                  c.loop();
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "dbbench-endurance-" + t);
      th.start();
      started.add(th);
    }
    long periodNanos = options.sampleEvery().toNanos();
    long endNanos;
    long begin = System.nanoTime();
    endNanos = begin + options.duration().toNanos();
    start.countDown();
    int samples = 0;
    Histogram interval = Latency.newHistogram();
    long lastOps = 0;
    long lastAt = begin;
    try {
      while (failure.get() == null) {
        // On a fixed schedule from the start, so slow samples do not shift the later ones.
        long next = Math.min(endNanos, begin + (samples + 1) * periodNanos);
        sleepUntil(next);
        long now = System.nanoTime();
        interval.reset();
        long ops = 0;
        for (Client c : clients) {
          c.interval = c.recorder.getIntervalHistogram(c.interval);
          interval.add(c.interval);
          ops += c.ops;
        }
        String row = row((now - begin) / 1e9, ops - lastOps, (now - lastAt) / 1e9, interval);
        sample.accept(row);
        samples++;
        if (samples % 6 == 0 || now >= endNanos) {
          progress.accept("  " + engine.label() + " endurance: " + row);
        }
        lastOps = ops;
        lastAt = now;
        if (now >= endNanos) {
          break;
        }
      }
    } finally {
      for (Client c : clients) {
        c.stop = true;
      }
      joinAll(started);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("endurance run failed: " + failure.get(), failure.get());
    }
    return samples;
  }

  /** Waits for the workers (they stop within one operation once told to). */
  private static void joinAll(List<Thread> threads) {
    boolean interrupted = false;
    for (Thread t : threads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private String row(double elapsed, long ops, double seconds, Histogram h) {
    Latency.Percentiles p = Latency.Percentiles.of(h);
    DiskUsage.Usage usage = DiskUsage.usage(dir.resolve(engine.label() + "-endurance"));
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return String.format(
        Locale.ROOT,
        "%s,%.1f,%d,%.0f,%.2f,%.2f,%.2f,%.2f,%.1f,%.1f,%.1f,%s,%d,%.1f,%s",
        engine.label(),
        elapsed,
        ops,
        seconds <= 0 ? 0 : ops / seconds,
        p.p50() / 1e3,
        p.p99() / 1e3,
        p.p999() / 1e3,
        p.max() / 1e3,
        heap.getUsed() / 1e6,
        heapAfterGcBytes() / 1e6,
        heap.getCommitted() / 1e6,
        rssMb(),
        usage.files(),
        usage.bytes() / 1e6,
        openFds());
  }

  /**
   * The heap in use right after the most recent collection of each heap pool, summed: the live
   * data, without the garbage that "heap used" also counts between collections.
   */
  static long heapAfterGcBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        MemoryUsage u = pool.getCollectionUsage();
        if (u != null) {
          sum += u.getUsed();
        }
      }
    }
    return sum;
  }

  /** The process's resident set in MB, or an empty cell without procfs. */
  static String rssMb() {
    try {
      long b = MemoryProbe.parseKib(Files.readString(STATUS, StandardCharsets.US_ASCII), "VmRSS:");
      return b < 0 ? "" : String.format(Locale.ROOT, "%.1f", b / 1e6);
    } catch (IOException e) {
      return "";
    }
  }

  /** The process's open file descriptors, or an empty cell without procfs. */
  static String openFds() {
    try (Stream<Path> s = Files.list(FDS)) {
      return Long.toString(s.count());
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static void sleepUntil(long deadlineNanos) {
    long left;
    while ((left = deadlineNanos - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Math.max(1, left / 1_000_000), 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during the endurance run", e);
      }
    }
  }

  /** One worker thread: YCSB operations until stopped. */
  private static final class Client {
    final YcsbClient client;
    final SingleWriterRecorder recorder = new SingleWriterRecorder(1, Latency.HIGHEST_NANOS, 3);
    Histogram interval; // the sampler's, recycled through this worker's recorder
    volatile long ops;
    volatile boolean stop;

    Client(YcsbClient client) {
      this.client = client;
    }

    void loop() {
      long last = System.nanoTime();
      long n = 0;
      while (!stop) {
        client.next();
        long now = System.nanoTime();
        recorder.recordValue(now - last);
        last = now;
        ops = ++n; // one writer; the sampler reads it
      }
    }
  }

  /** The CSV file of one engine's samples. */
  static String csv(List<String> rows) {
    StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
    for (String r : rows) {
      b.append(r).append('\n');
    }
    return b.toString();
  }

  /**
   * The endurance chart: throughput, p99 and p99.9, heap, RSS, files and open descriptors against
   * elapsed time, a line per engine. {@code rows} are CSV rows of every engine.
   */
  static String svg(List<String> rows, String title) {
    String[][] panels = {
      {"ops_per_sec", "ops/s"},
      {"p99_us", "µs"},
      {"p999_us", "µs"},
      {"heap_used_mb", "MB"},
      {"heap_after_gc_mb", "MB"},
      {"rss_mb", "MB"},
      {"files", "files"},
      {"open_fds", "descriptors"},
      {"disk_mb", "MB"}
    };
    String[] header = CSV_HEADER.split(",");
    List<Charts.Panel> out = new ArrayList<>();
    for (String[] panel : panels) {
      String column = panel[0];
      int col = List.of(header).indexOf(column);
      List<String> engines = new ArrayList<>();
      for (String r : rows) {
        String e = r.split(",", -1)[0];
        if (!engines.contains(e)) {
          engines.add(e);
        }
      }
      List<Charts.Series> series = new ArrayList<>();
      for (String e : engines) {
        List<double[]> pts = new ArrayList<>();
        for (String r : rows) {
          String[] f = r.split(",", -1);
          if (f[0].equals(e) && !f[col].isEmpty()) {
            pts.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[col])});
          }
        }
        series.add(new Charts.Series(e, pts));
      }
      out.add(new Charts.Panel(column, panel[1], series));
    }
    return Charts.svg(title, "elapsed s", false, out);
  }
}
