package io.kiwidb.bench.db;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * db_bench-style comparison of kiwi-db with RocksDB (RocksJava) in one process, on one disk, with
 * equal durability.
 *
 * <p>Procedure: a warm-up pass of every engine over every workload on throw-away stores (to get
 * both sides' Java code compiled), then {@code rounds} rounds; in each, every engine runs the whole
 * workload list, and the engine order rotates by one per round so no engine always runs first or
 * last. The report gives medians over rounds and kiwi's ratios to both RocksDB runs.
 *
 * <p>Run with {@code bench/dbbench [options]} (see {@link BenchOptions#USAGE}); results go to
 * {@code dbbench.md}, {@code dbbench.jsonl} and {@code dbbench.svg} under {@code --out}, and the
 * markdown to stdout.
 */
public final class DbBench {
  private DbBench() {}

  /** Entry point. Exit status 2 for bad arguments. */
  public static void main(String[] args) {
    // --replot DIR ignores every other argument (bench/dbbench adds --dir and --out).
    int replot = Arrays.asList(args).indexOf("--replot");
    if (replot >= 0 && replot + 1 < args.length) {
      System.out.print(replot(Path.of(args[replot + 1])));
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.HelpRequested e) {
      System.out.println(BenchOptions.USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("dbbench: " + e.getMessage());
      System.exit(2);
      return;
    }
    Result r = run(options, System.err, String.join(" ", args));
    System.out.print(r.markdown());
  }

  /**
   * The outputs of a run.
   *
   * @param measurements every measured run (warm-up excluded)
   * @param summary medians and ratios
   * @param markdown the markdown report
   */
  record Result(List<Measurement> measurements, Summary summary, String markdown) {}

  /**
   * Runs the benchmark and writes the reports under {@code options.out()}.
   *
   * @param progress where a line per measured workload goes
   * @param commandLine the arguments, for the report header
   */
  static Result run(BenchOptions options, PrintStream progress, String commandLine) {
    Path workDir = workDir(options);
    long startNanos = System.nanoTime();
    try {
      StoreFactory factory = StoreFactory.create(workDir, options.kiwiConfig());
      progress.println("dbbench: stores under " + workDir);
      progress.println("dbbench: rocksdb-like = " + factory.tuning().describe());
      if (options.warmupNum() > 0) {
        int w = options.warmupNum();
        BenchOptions warm =
            options.withSizes(w, Math.min(options.reads(), w), Math.min(options.syncOps(), 200));
        KeySpace keys = keySpace(warm);
        for (EngineKind e : options.engines()) {
          progress.println("dbbench: warm-up " + e.label() + " (" + w + " keys)");
          new BenchPass(factory, e, keys, warm, -1, workDir, line -> {}).run(warm.workloads());
        }
      }
      KeySpace keys = keySpace(options);
      List<Measurement> all = new ArrayList<>();
      List<EngineKind> engines = options.engines();
      for (int round = 0; round < options.rounds(); round++) {
        for (int i = 0; i < engines.size(); i++) {
          EngineKind e = engines.get((i + round) % engines.size());
          progress.println(
              "dbbench: round " + (round + 1) + "/" + options.rounds() + " " + e.label());
          all.addAll(
              new BenchPass(factory, e, keys, options, round, workDir, progress::println)
                  .run(options.workloads()));
        }
      }
      List<String> workloadLabels = new ArrayList<>();
      for (WorkloadSpec s : options.workloads()) {
        if (!workloadLabels.contains(s.label())) {
          workloadLabels.add(s.label());
        }
      }
      List<String> engineLabels = new ArrayList<>();
      for (EngineKind e : EngineKind.values()) {
        if (engines.contains(e)) {
          engineLabels.add(e.label());
        }
      }
      Summary summary = Summary.of(all, workloadLabels, engineLabels);
      double minutes = (System.nanoTime() - startNanos) / 60e9;
      List<String> header = header(options, factory.tuning(), commandLine, minutes);
      String md = Reports.markdown(summary, header);
      writeReports(
          options.out(), md, Reports.jsonLines(all, summary), Reports.svg(summary, title(options)));
      progress.println(
          String.format(
              Locale.ROOT, "dbbench: done in %.1f min; reports in %s", minutes, options.out()));
      return new Result(all, summary, md);
    } finally {
      DiskUsage.deleteTree(workDir);
    }
  }

  /**
   * Summarises a finished run again from its {@code dbbench.jsonl} and rewrites its {@code
   * dbbench.svg}; returns the ratio and median tables (the header lines of the original run stay in
   * its {@code dbbench.md}).
   */
  static String replot(Path out) {
    try {
      List<Measurement> runs =
          Reports.parseRuns(Files.readString(out.resolve("dbbench.jsonl"), StandardCharsets.UTF_8));
      List<String> workloads = new ArrayList<>();
      List<String> engines = new ArrayList<>();
      int rounds = 0;
      for (Measurement m : runs) {
        if (!workloads.contains(m.workload())) {
          workloads.add(m.workload());
        }
        rounds = Math.max(rounds, m.round() + 1);
      }
      for (EngineKind e : EngineKind.values()) {
        if (runs.stream().anyMatch(m -> m.engine().equals(e.label()))) {
          engines.add(e.label());
        }
      }
      Summary summary = Summary.of(runs, workloads, engines);
      String title =
          String.format(Locale.ROOT, "kiwi-db vs RocksDB (replotted from %d round(s))", rounds);
      Files.writeString(
          out.resolve("dbbench.svg"), Reports.svg(summary, title), StandardCharsets.UTF_8);
      return Reports.markdown(summary, List.of("replotted from " + out.resolve("dbbench.jsonl")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replot " + out, e);
    }
  }

  private static KeySpace keySpace(BenchOptions o) {
    return new KeySpace(o.num(), o.keySize(), o.decimalKeys(), o.valueSize(), o.seed());
  }

  /** A fresh directory for this run's stores: under {@code --dir}, or a new temp directory. */
  private static Path workDir(BenchOptions o) {
    try {
      if (o.dir() == null) {
        return Files.createTempDirectory("kiwi-dbbench-");
      }
      Files.createDirectories(o.dir());
      return Files.createTempDirectory(o.dir(), "run-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a store directory", e);
    }
  }

  private static String title(BenchOptions o) {
    return String.format(
        Locale.ROOT,
        "kiwi-db vs RocksDB: %,d keys, %d-byte values, %d thread(s), median of %d round(s)",
        o.num(),
        o.valueSize(),
        o.threads(),
        o.rounds());
  }

  private static List<String> header(
      BenchOptions o, RocksTuning tuning, String commandLine, double minutes) {
    List<String> h = new ArrayList<>();
    h.add(
        "date: "
            + DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(ZoneOffset.UTC).withNano(0))
            + " UTC");
    h.add("command: `bench/dbbench " + commandLine + "`");
    h.add(
        String.format(
            Locale.ROOT,
            "machine: %d CPUs (as the JVM sees them), load average %.2f at the end, Java %s, %s %s",
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            System.getProperty("java.version"),
            System.getProperty("os.name"),
            System.getProperty("os.arch")));
    h.add(
        String.format(
            Locale.ROOT,
            "sizes: mode %s, num %,d, reads %,d, fillsync %,d puts, %d-byte %s keys, %d-byte values,"
                + " batch %d, seek nexts %d, %d round(s), warm-up %,d keys; run took %.1f min",
            o.mode().name().toLowerCase(Locale.ROOT),
            o.num(),
            o.reads(),
            o.syncOps(),
            o.keySize(),
            o.decimalKeys() ? "decimal" : "binary (db_bench layout)",
            o.valueSize(),
            o.batchSize(),
            o.seekNexts(),
            o.rounds(),
            o.warmupNum(),
            minutes));
    h.add(
        "durability: kiwi wal_sync_mode=none vs RocksDB WAL on, sync=false; fillsync: always vs"
            + " sync=true");
    h.add("kiwi config overrides: " + (o.kiwiConfig().isEmpty() ? "none" : o.kiwiConfig()));
    h.add("rocksdb-like: " + tuning.describe());
    h.add("rocksdb-default: RocksDB's defaults (RocksJava " + rocksVersion() + ")");
    h.add(
        "write amplification: table bytes written by flushes and compactions / user key+value"
            + " bytes (WAL excluded); disk = every file in the store after flush and settling");
    return h;
  }

  private static String rocksVersion() {
    Package p = org.rocksdb.RocksDB.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "10.10.1.1" : v;
  }

  private static void writeReports(Path out, String md, String jsonl, String svg) {
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve("dbbench.md"), md, StandardCharsets.UTF_8);
      Files.writeString(out.resolve("dbbench.jsonl"), jsonl, StandardCharsets.UTF_8);
      Files.writeString(out.resolve("dbbench.svg"), svg, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write reports to " + out, e);
    }
  }
}
