package io.kiwidb.bench.db;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * db_bench-style comparison of kiwi-db with RocksDB (RocksJava) on one disk, with equal durability.
 *
 * <p>Procedure: for every key count ({@code --num}, a list for a scaling run) and every round, each
 * method ({@code --method}) and each engine run the whole workload list in a fresh child JVM (this
 * JVM's {@code java}, heap flags and class or module path; see {@link ChildProcess}). The engine
 * order rotates by one per round, so no engine always runs first or last. Each child first runs a
 * warm-up pass on throw-away stores (to get the Java code compiled) and reports only the measured
 * pass. The report gives medians over rounds and kiwi's ratios to both RocksDB runs, per key count
 * and method.
 *
 * <p>With {@code --duration} it runs the endurance mode instead: one child per engine, one after
 * the other, each sampling its run into {@code endurance-<engine>.csv}.
 *
 * <p>Run with {@code bench/dbbench [options]} (see {@link BenchOptions#USAGE}); results go to
 * {@code dbbench.md}, {@code dbbench.jsonl}, {@code medians.csv}, {@code ratios-<num>-<method>.svg}
 * and (several key counts) {@code scaling-<method>.svg} under {@code --out}, and the markdown to
 * stdout.
 */
public final class DbBench {
  private DbBench() {}

  /** Entry point. Exit status 2 for bad arguments, 1 for a failed run. */
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
    if (options.isChild()) {
      try {
        child(options, System.out, System.err);
      } catch (RuntimeException | Error e) {
        e.printStackTrace(System.err);
        System.exit(1);
      }
      return;
    }
    try {
      Result r = run(options, System.err, String.join(" ", args), DbBench::launchChild);
      System.out.print(r.markdown());
    } catch (ChildProcess.ChildFailedException | IllegalArgumentException e) {
      System.err.println("dbbench: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Starts one child JVM and returns its standard output lines. */
  interface Launcher {
    /**
     * Runs a child with {@code args} ({@link BenchOptions#childArgs}) to its end.
     *
     * @param what names it in messages
     * @param progress gets its progress lines
     * @throws ChildProcess.ChildFailedException when it fails
     */
    List<String> launch(String what, List<String> args, Duration timeout, PrintStream progress);
  }

  /** The real launcher: a fresh JVM like this one. */
  static List<String> launchChild(
      String what, List<String> args, Duration timeout, PrintStream progress) {
    List<String> cmd = ChildProcess.javaCommand(DbBench.class, List.of(), args);
    return ChildProcess.run(
        what,
        cmd,
        timeout,
        line -> {
          if (!line.startsWith("dbbench-")) {
            progress.println(line);
          }
        },
        progress::println);
  }

  /**
   * The outputs of a run.
   *
   * @param measurements every measured run (warm-up excluded)
   * @param groups the summaries per key count and method
   * @param notes facts the children reported, without repeats
   * @param markdown the markdown report
   */
  record Result(
      List<Measurement> measurements,
      List<Reports.Group> groups,
      List<String> notes,
      String markdown) {}

  /**
   * Runs the benchmark through {@code launcher} and writes the reports under {@code options.out()}.
   *
   * @param progress where a line per measured workload goes
   * @param commandLine the arguments, for the report header
   */
  static Result run(
      BenchOptions options, PrintStream progress, String commandLine, Launcher launcher) {
    Path workDir = workDir(options);
    long startNanos = System.nanoTime();
    try {
      StoreFactory probe = StoreFactory.create(workDir, options.kiwiConfig());
      progress.println("dbbench: stores under " + workDir);
      progress.println("dbbench: rocksdb-like = " + probe.tuning().describe());
      List<Measurement> all = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      Map<String, List<String>> samples = new LinkedHashMap<>();
      List<EngineKind> engines = options.engines();
      if (options.endurance()) {
        for (EngineKind e : engines) {
          String what = e.label() + " endurance " + options.duration();
          progress.println("dbbench: " + what);
          Duration timeout = options.duration().plus(options.childTimeout());
          ChildProtocol.Output out =
              ChildProtocol.parse(
                  launcher.launch(
                      what,
                      options.childArgs(
                          e, options.method(), options.num(), 0, workDir.resolve("child")),
                      timeout,
                      progress));
          samples.put(e.label(), out.samples());
          addNotes(notes, out.notes());
        }
      } else {
        for (int num : options.nums()) {
          for (int round = 0; round < options.rounds(); round++) {
            for (Method method : options.methods()) {
              for (int i = 0; i < engines.size(); i++) {
                EngineKind e = engines.get((i + round) % engines.size());
                String what =
                    String.format(
                        Locale.ROOT,
                        "%s, %,d keys, %s, round %d/%d",
                        e.label(),
                        num,
                        method.label(),
                        round + 1,
                        options.rounds());
                progress.println("dbbench: " + what);
                ChildProtocol.Output out =
                    ChildProtocol.parse(
                        launcher.launch(
                            what,
                            options.childArgs(e, method, num, round, workDir.resolve("child")),
                            options.childTimeout(),
                            progress));
                all.addAll(out.measurements());
                addNotes(notes, out.notes());
              }
            }
          }
        }
      }
      List<Reports.Group> groups = Reports.groups(all);
      double minutes = (System.nanoTime() - startNanos) / 60e9;
      List<String> header = header(options, probe.tuning(), commandLine, minutes);
      String md;
      if (options.endurance()) {
        md = enduranceMarkdown(header, notes, samples);
        writeEndurance(options, md, samples);
      } else {
        md = Reports.markdown(groups, header, notes);
        writeReports(options, md, all, groups);
      }
      progress.println(
          String.format(
              Locale.ROOT, "dbbench: done in %.1f min; reports in %s", minutes, options.out()));
      return new Result(all, groups, notes, md);
    } finally {
      DiskUsage.deleteTree(workDir);
    }
  }

  private static void addNotes(List<String> into, List<String> notes) {
    for (String n : notes) {
      if (!into.contains(n)) {
        into.add(n);
      }
    }
  }

  /**
   * A child JVM: one engine, one method, one key count, one round (or the endurance run); the
   * results go to {@code out} as {@link ChildProtocol} lines, progress to {@code progress}.
   */
  static void child(BenchOptions options, PrintStream out, PrintStream progress) {
    if (options.engines().size() != 1 || options.nums().size() != 1) {
      throw new IllegalArgumentException("a child runs one engine at one key count");
    }
    EngineKind engine = options.engines().get(0);
    Path dir;
    try {
      Files.createDirectories(options.dir());
      dir = Files.createTempDirectory(options.dir(), engine.label() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a store directory under " + options.dir(), e);
    }
    try {
      StoreFactory factory = StoreFactory.create(dir, options.kiwiConfig());
      int[] lines = {0};
      List<String> notes = new ArrayList<>();
      java.util.function.Consumer<String> note =
          n -> {
            if (!notes.contains(n)) {
              notes.add(n);
              out.println(ChildProtocol.note(n));
            }
          };
      if (options.warmupNum() > 0) {
        int w = options.warmupNum();
        BenchOptions warm =
            options.withSizes(w, Math.min(options.reads(), w), Math.min(options.syncOps(), 200));
        progress.println("  " + engine.label() + ": warm-up (" + w + " keys)");
        List<WorkloadSpec> warmWorkloads = options.endurance() ? ycsbWarmup() : warm.workloads();
        new BenchPass(factory, engine, keySpace(warm), warm, -1, dir, line -> {}, n -> {})
            .run(warmWorkloads);
      }
      KeySpace keys = keySpace(options);
      if (options.endurance()) {
        lines[0] =
            new Endurance(factory, engine, keys, options, dir)
                .run(
                    row -> {
                      out.println(ChildProtocol.sample(row));
                    },
                    progress::println);
      } else {
        List<Measurement> ms =
            new BenchPass(
                    factory,
                    engine,
                    keys,
                    options,
                    options.childRound(),
                    dir,
                    progress::println,
                    note)
                .run(options.workloads());
        for (Measurement m : ms) {
          out.println(ChildProtocol.result(m));
        }
        lines[0] = ms.size();
      }
      out.println(ChildProtocol.done(lines[0]));
      out.flush();
    } finally {
      DiskUsage.deleteTree(dir);
    }
  }

  private static List<WorkloadSpec> ycsbWarmup() {
    return List.of(
        new WorkloadSpec(Workload.YCSB_LOAD, 0),
        new WorkloadSpec(Workload.YCSB_A, 0),
        new WorkloadSpec(Workload.YCSB_E, 0));
  }

  /**
   * Summarises a finished run again from its {@code dbbench.jsonl} and rewrites its charts; returns
   * the tables (the header lines of the original run stay in its {@code dbbench.md}).
   */
  static String replot(Path out) {
    try {
      List<Measurement> runs =
          Reports.parseRuns(Files.readString(out.resolve("dbbench.jsonl"), StandardCharsets.UTF_8));
      List<Reports.Group> groups = Reports.groups(runs);
      writeCharts(out, groups, "replotted from " + out.resolve("dbbench.jsonl"));
      Files.writeString(
          out.resolve("medians.csv"), Reports.mediansCsv(groups), StandardCharsets.UTF_8);
      return Reports.markdown(
          groups, List.of("replotted from " + out.resolve("dbbench.jsonl")), List.of());
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
            "machine: %d CPUs (as the JVM sees them), load average %.2f at the end, Java %s, %s %s,"
                + " heap %s",
            Runtime.getRuntime().availableProcessors(),
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
            System.getProperty("java.version"),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            heapFlags()));
    h.add(
        String.format(
            Locale.ROOT,
            "procedure: every (engine, method, key count, round) in a fresh child JVM, engines"
                + " interleaved and rotated per round; warm-up of %,d keys in each child",
            o.warmupGiven()));
    if (o.endurance()) {
      h.add(
          String.format(
              Locale.ROOT,
              "endurance: %,d keys loaded, then %s of mixed YCSB A+E (%s) from %d thread(s),"
                  + " sampled every %s",
              o.num(),
              o.duration(),
              Workload.YcsbMix.ENDURANCE,
              o.threads(),
              o.sampleEvery()));
    } else {
      h.add(
          String.format(
              Locale.ROOT,
              "sizes: mode %s, num %s, reads %s, fillsync %,d puts, %d-byte %s keys, %d-byte"
                  + " values, batch %d, seek nexts %d, %d round(s), methods %s, zipf theta %.2f;"
                  + " run took %.1f min",
              o.mode().name().toLowerCase(Locale.ROOT),
              o.nums(),
              o.readsGiven() > 0 ? Integer.toString(o.readsGiven()) : "= num",
              o.syncOps(),
              o.keySize(),
              o.decimalKeys() ? "decimal" : "binary (db_bench layout)",
              o.valueSize(),
              o.batchSize(),
              o.seekNexts(),
              o.rounds(),
              o.methods().stream().map(Method::label).toList(),
              o.zipfTheta(),
              minutes));
    }
    h.add(
        "durability: kiwi wal_sync_mode=none vs RocksDB WAL on, sync=false; fillsync: always vs"
            + " sync=true");
    h.add("kiwi config overrides: " + (o.kiwiConfig().isEmpty() ? "none" : o.kiwiConfig()));
    h.add("rocksdb-like: " + tuning.describe());
    h.add("rocksdb-default: RocksDB's defaults (RocksJava " + rocksVersion() + ")");
    h.add(
        "write amplification: table bytes written by flushes and compactions / user key+value"
            + " bytes; w-amp+WAL adds the write-ahead log's bytes; space-amp: disk bytes / live"
            + " key+value bytes; disk = every file in the store after the workload (settled:"
            + " after flush and compactions)");
    h.add(
        "page cache: "
            + (o.dropCaches()
                ? "dropped before each read workload where allowed (see the notes)"
                : "not dropped (reads may be served from the OS page cache)"));
    return h;
  }

  private static String heapFlags() {
    List<String> flags = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xms") || a.startsWith("-Xmx")) {
        flags.add(a);
      }
    }
    return flags.isEmpty() ? "JVM default" : String.join(" ", flags);
  }

  private static String rocksVersion() {
    Package p = org.rocksdb.RocksDB.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "10.10.1.1" : v;
  }

  private static void writeReports(
      BenchOptions o, String md, List<Measurement> all, List<Reports.Group> groups) {
    try {
      Files.createDirectories(o.out());
      Files.writeString(o.out().resolve("dbbench.md"), md, StandardCharsets.UTF_8);
      Files.writeString(
          o.out().resolve("dbbench.jsonl"), Reports.jsonLines(all, groups), StandardCharsets.UTF_8);
      Files.writeString(
          o.out().resolve("medians.csv"), Reports.mediansCsv(groups), StandardCharsets.UTF_8);
      writeCharts(o.out(), groups, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write reports to " + o.out(), e);
    }
  }

  private static void writeCharts(Path out, List<Reports.Group> groups, String subtitle)
      throws IOException {
    Files.createDirectories(out);
    List<String> methods = new ArrayList<>();
    List<Long> nums = new ArrayList<>();
    for (Reports.Group g : groups) {
      String title = "kiwi-db vs RocksDB: " + g.title() + ", median of the rounds";
      if (subtitle != null) {
        title += " (" + subtitle + ")";
      }
      Files.writeString(
          out.resolve("ratios-" + g.fileTag() + ".svg"),
          Reports.svg(g.summary(), title),
          StandardCharsets.UTF_8);
      if (!methods.contains(g.method())) {
        methods.add(g.method());
      }
      if (!nums.contains(g.num())) {
        nums.add(g.num());
      }
    }
    if (nums.size() > 1) {
      for (String m : methods) {
        Files.writeString(
            out.resolve("scaling-" + m + ".svg"),
            Reports.scalingSvg(groups, m),
            StandardCharsets.UTF_8);
      }
    }
  }

  private static String enduranceMarkdown(
      List<String> header, List<String> notes, Map<String, List<String>> samples) {
    StringBuilder b = new StringBuilder("# Endurance: kiwi-db vs RocksDB\n\n");
    for (String h : header) {
      b.append("- ").append(h).append('\n');
    }
    for (String n : notes) {
      b.append("- note: ").append(n).append('\n');
    }
    b.append(
        "\n| engine | samples | ops/s first / last | p99 µs first / last | heap after GC MB min /"
            + " max | RSS MB first / last | files min / max | open fds min / max |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    List<String> cols = List.of(Endurance.CSV_HEADER.split(","));
    for (Map.Entry<String, List<String>> e : samples.entrySet()) {
      List<String[]> rows = new ArrayList<>();
      for (String r : e.getValue()) {
        rows.add(r.split(",", -1));
      }
      b.append("| ").append(e.getKey()).append(" | ").append(rows.size()).append(" | ");
      b.append(firstLast(rows, cols.indexOf("ops_per_sec"))).append(" | ");
      b.append(firstLast(rows, cols.indexOf("p99_us"))).append(" | ");
      b.append(minMax(rows, cols.indexOf("heap_after_gc_mb"))).append(" | ");
      b.append(firstLast(rows, cols.indexOf("rss_mb"))).append(" | ");
      b.append(minMax(rows, cols.indexOf("files"))).append(" | ");
      b.append(minMax(rows, cols.indexOf("open_fds"))).append(" |\n");
    }
    return b.toString();
  }

  private static String firstLast(List<String[]> rows, int col) {
    if (rows.isEmpty()) {
      return "–";
    }
    return cell(rows.get(0)[col]) + " / " + cell(rows.get(rows.size() - 1)[col]);
  }

  private static String minMax(List<String[]> rows, int col) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (String[] r : rows) {
      if (!r[col].isEmpty()) {
        double v = Double.parseDouble(r[col]);
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return min > max ? "–" : Charts.shortNumber(min) + " / " + Charts.shortNumber(max);
  }

  private static String cell(String v) {
    return v.isEmpty() ? "–" : v;
  }

  private static void writeEndurance(BenchOptions o, String md, Map<String, List<String>> samples) {
    try {
      Files.createDirectories(o.out());
      Files.writeString(o.out().resolve("endurance.md"), md, StandardCharsets.UTF_8);
      List<String> every = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : samples.entrySet()) {
        Files.writeString(
            o.out().resolve("endurance-" + e.getKey() + ".csv"),
            Endurance.csv(e.getValue()),
            StandardCharsets.UTF_8);
        every.addAll(e.getValue());
      }
      Files.writeString(
          o.out().resolve("endurance.svg"),
          Endurance.svg(
              every,
              "Endurance: mixed YCSB A+E for "
                  + o.duration()
                  + ", "
                  + o.num()
                  + " keys, samples"
                  + " every "
                  + o.sampleEvery()),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write endurance reports to " + o.out(), e);
    }
  }
}
