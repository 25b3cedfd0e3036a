package io.kiwidb.bench.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's command line, parsed. Options take {@code --name value} or {@code --name=value};
 * {@code --mode} picks presets for the sizes, and explicit size options override them wherever they
 * appear. {@code --kiwi key=value} may repeat (or hold a comma-separated list). {@code --num},
 * {@code --threads} and {@code --method} take lists.
 *
 * @param mode the preset the sizes came from
 * @param nums key counts, one run per count (a scaling run when there are several); writes per fill
 *     workload
 * @param readsGiven operations per read workload, or 0 to use the key count
 * @param syncOps puts per fillsync run (all threads together)
 * @param warmupGiven keys of the warm-up pass on a throw-away store (0 skips it; never more than
 *     the key count)
 * @param threads threads per workload unless a workload names its own (the first of {@code
 *     --threads}; with a list, the workloads were expanded to one entry per count)
 * @param keySize key length in bytes
 * @param decimalKeys keys as zero-padded decimal text instead of db_bench's binary layout
 * @param valueSize value length in bytes
 * @param batchSize operations per write batch for the fill workloads (1 = single puts)
 * @param seekNexts entries read after each seek in seekrandom
 * @param rounds interleaved rounds; the report shows medians over them
 * @param seed random seed for keys and values
 * @param zipfTheta the YCSB workloads' zipfian constant
 * @param methods how stores are left between workloads, each a run of its own
 * @param dropCaches whether the page cache is dropped before each read workload
 * @param duration the endurance run's length, or null for the workload runs
 * @param sampleEvery the endurance run's sampling period
 * @param childTimeout how long one child JVM may run before it is killed
 * @param engines the stores to compare, in round-robin order
 * @param workloads the workloads, in the order they run
 * @param kiwiConfig kiwi config keys set on top of the runner's own ({@code wal_sync_mode}, no log
 *     broadcast)
 * @param dir where stores are created (deleted at the end)
 * @param out where the reports are written
 * @param childRound in a child JVM, the round it measures (-1: warm-up only); -2 in the parent
 */
record BenchOptions(
    Mode mode,
    List<Integer> nums,
    int readsGiven,
    int syncOps,
    int warmupGiven,
    int threads,
    int keySize,
    boolean decimalKeys,
    int valueSize,
    int batchSize,
    int seekNexts,
    int rounds,
    long seed,
    double zipfTheta,
    List<Method> methods,
    boolean dropCaches,
    Duration duration,
    Duration sampleEvery,
    Duration childTimeout,
    List<EngineKind> engines,
    List<WorkloadSpec> workloads,
    Map<String, String> kiwiConfig,
    Path dir,
    Path out,
    int childRound) {

  /** {@link #childRound} of the parent process. */
  static final int PARENT = -2;

  /** Size presets. */
  enum Mode {
    /** A few tens of thousands of keys: the whole run in a few minutes. */
    QUICK(20_000, 20_000, 300, 5_000),
    /**
     * One million keys, issue #11's size; a quarter of that many reads per read workload, so that
     * three rounds of three engines fit in about a quarter of an hour on a loaded 2-core machine.
     * Fillsync runs 10,000 synced puts: with 2,000 (0.3 s a round) the disk's fsync latency drifted
     * between rounds by more than the engines differ, and one engine's rounds could land in a fast
     * spell (kiwi/RocksDB 0.84 in one run, 1.05 and 1.09 in the next two).
     */
    FULL(1_000_000, 250_000, 10_000, 100_000);

    final int num;
    final int reads;
    final int syncOps;
    final int warmupNum;

    Mode(int num, int reads, int syncOps, int warmupNum) {
      this.num = num;
      this.reads = reads;
      this.syncOps = syncOps;
      this.warmupNum = warmupNum;
    }
  }

  static final String DEFAULT_WORKLOADS =
      "fillseq,fillrandom,overwrite,readrandom,readmissing,readseq,readreverse,seekrandom,"
          + "readwhilewriting,deleterandom,fillsync,fillsync:8,fillsync:16,fillsync:32";

  /** What {@code --workloads ycsb} stands for. */
  static final String YCSB_WORKLOADS = "ycsb-load,ycsb-a,ycsb-b,ycsb-c,ycsb-f,ycsb-d,ycsb-e";

  static final String USAGE =
      String.join(
          "\n",
          "usage: bench/dbbench [options]",
          "  --mode quick|full      size presets (default quick): quick = 20k keys, full = 1M keys",
          "  --num N[,N..]          keys in the key space and writes per fill; a list is a scaling"
              + " run (one run per count, scaling.csv and scaling-<method>.svg)",
          "  --reads N              operations per read workload (default: num; full: 250k)",
          "  --sync-ops N           puts per fillsync run (all threads together)",
          "  --warmup N             keys of the JIT warm-up pass in each child JVM (0 = none)",
          "  --threads T[,T..]      threads per workload (default 1); with a list every workload"
              + " without its own count runs once per count; a workload may say name:T",
          "  --method M             settled (flush and wait for compactions after each write"
              + " workload; default), dbbench (reads run on what the writes left) or both",
          "  --drop-caches          sync and drop the page cache before each read workload"
              + " (root only; the report says when it could not)",
          "  --key-size B           key bytes (default 16, at least 12)",
          "  --key-format F         binary (db_bench: 8-byte big-endian number, '0' padding;"
              + " default) or decimal (zero-padded decimal text)",
          "  --value-size B         value bytes (default 100)",
          "  --batch B              operations per write batch in fills (default 1)",
          "  --seek-nexts K         entries read after each seek in seekrandom (default 0)",
          "  --rounds R             interleaved rounds, medians reported (default 3)",
          "  --seed S               random seed (default 301)",
          "  --zipf-theta X         zipfian constant of the YCSB workloads (default 0.99)",
          "  --engines a,b          of kiwi, rocksdb-like, rocksdb-default (default all three)",
          "  --workloads w,w:T      default " + DEFAULT_WORKLOADS,
          "                         also ycsb-load, ycsb-a .. ycsb-f; 'ycsb' = " + YCSB_WORKLOADS,
          "  --duration D           endurance run instead: load num keys, then mixed YCSB A+E"
              + " for D (e.g. 30m, 2h, 90s) per engine, sampled into endurance-<engine>.csv",
          "  --sample-every D       endurance sampling period (default 10s)",
          "  --child-timeout D      a child JVM running longer is killed (default 6h)",
          "  --kiwi key=value[,..]  kiwi config overrides (repeatable), e.g. compression=lz4",
          "  --dir D                where stores are created (default: a new temp directory)",
          "  --out D                where the reports go (default: dbbench-results)",
          "  --help                 this text",
          "Each (engine, method, key count, round) runs in a fresh child JVM with this JVM's java,"
              + " heap flags and class or module path.",
          "bench/dbbench --replot DIR: summarise DIR/dbbench.jsonl again, redraw the charts");

  /**
   * Parses a command line.
   *
   * @throws IllegalArgumentException naming the option and value that were wrong
   */
  static BenchOptions parse(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    Map<String, String> kiwi = new LinkedHashMap<>();
    boolean dropCaches = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; see --help");
      }
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        name = arg.substring(2);
        if (name.equals("help")) {
          throw new HelpRequested();
        }
        if (name.equals("drop-caches")) {
          dropCaches = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option --" + name + " needs a value");
        }
        value = args[++i];
      }
      if (name.equals("kiwi")) {
        parseKiwi(value, kiwi);
      } else if (name.equals("drop-caches")) {
        dropCaches = bool(name, value);
      } else {
        given.put(name, value);
      }
    }
    Mode mode = Mode.QUICK;
    String modeText = given.remove("mode");
    if (modeText != null) {
      mode =
          switch (modeText) {
            case "quick" -> Mode.QUICK;
            case "full" -> Mode.FULL;
            default ->
                throw new IllegalArgumentException(
                    "bad --mode '" + modeText + "'; expected quick or full");
          };
    }
    boolean numGiven = given.containsKey("num");
    List<Integer> nums = intList(given, "num", mode.num);
    // With --num but no --mode, reads follow num; a mode's preset applies otherwise.
    int reads =
        given.containsKey("reads")
            ? positive(given, "reads", 1)
            : modeText == null || numGiven ? 0 : mode.reads;
    int syncOps = positive(given, "sync-ops", mode.syncOps);
    int warmup = intOption(given, "warmup", mode.warmupNum, 0);
    List<Integer> threadList = intList(given, "threads", 1);
    int keySize = intOption(given, "key-size", 16, 12);
    String keyFormat = given.getOrDefault("key-format", "binary");
    given.remove("key-format");
    if (!keyFormat.equals("binary") && !keyFormat.equals("decimal")) {
      throw new IllegalArgumentException(
          "bad --key-format '" + keyFormat + "'; expected binary or decimal");
    }
    int valueSize = intOption(given, "value-size", 100, 0);
    int batch = positive(given, "batch", 1);
    int seekNexts = intOption(given, "seek-nexts", 0, 0);
    int rounds = positive(given, "rounds", 3);
    long seed = longOption(given, "seed", 301);
    double theta = doubleOption(given, "zipf-theta", Zipfian.YCSB_THETA);
    if (!(theta > 0 && theta < 1)) {
      throw new IllegalArgumentException("--zipf-theta must be in (0, 1), got " + theta);
    }
    List<Method> methods = new ArrayList<>();
    String methodText = given.remove("method");
    if (methodText == null || methodText.equals("settled")) {
      methods.add(Method.SETTLED);
    } else if (methodText.equals("both")) {
      methods.add(Method.SETTLED);
      methods.add(Method.DBBENCH);
    } else {
      methods.add(Method.byLabel(methodText));
    }
    Duration duration = durationOption(given, "duration", null);
    Duration sampleEvery = durationOption(given, "sample-every", Duration.ofSeconds(10));
    Duration childTimeout = durationOption(given, "child-timeout", Duration.ofHours(6));
    List<EngineKind> engines = new ArrayList<>();
    for (String e :
        split("engines", given.remove("engines"), "kiwi,rocksdb-like,rocksdb-default")) {
      EngineKind kind = EngineKind.byLabel(e);
      if (engines.contains(kind)) {
        throw new IllegalArgumentException("engine '" + e + "' given twice in --engines");
      }
      engines.add(kind);
    }
    List<WorkloadSpec> workloads = new ArrayList<>();
    for (String w : split("workloads", given.remove("workloads"), DEFAULT_WORKLOADS)) {
      if (w.equals("ycsb")) {
        for (String y : YCSB_WORKLOADS.split(",")) {
          workloads.add(WorkloadSpec.parse(y));
        }
      } else {
        workloads.add(WorkloadSpec.parse(w));
      }
    }
    if (threadList.size() > 1) {
      List<WorkloadSpec> expanded = new ArrayList<>();
      for (WorkloadSpec s : workloads) {
        if (s.threads() > 0) {
          expanded.add(s);
        } else {
          for (int t : threadList) {
            expanded.add(new WorkloadSpec(s.workload(), t));
          }
        }
      }
      workloads = expanded;
    }
    List<String> labels = new ArrayList<>();
    for (WorkloadSpec s : workloads) {
      if (labels.contains(s.label())) {
        throw new IllegalArgumentException(
            "workload '" + s.label() + "' given twice; each label must be unique");
      }
      labels.add(s.label());
    }
    String dirText = given.remove("dir");
    Path dir = dirText == null ? null : Path.of(dirText);
    Path out = Path.of(given.getOrDefault("out", "dbbench-results"));
    given.remove("out");
    int childRound = given.containsKey("child-round") ? intOption(given, "child-round", 0, -1) : -2;
    if (!given.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option --" + given.keySet().iterator().next() + "; see --help");
    }
    return new BenchOptions(
        mode,
        List.copyOf(nums),
        reads,
        syncOps,
        warmup,
        threadList.get(0),
        keySize,
        keyFormat.equals("decimal"),
        valueSize,
        batch,
        seekNexts,
        rounds,
        seed,
        theta,
        List.copyOf(methods),
        dropCaches,
        duration,
        sampleEvery,
        childTimeout,
        List.copyOf(engines),
        List.copyOf(workloads),
        Collections.unmodifiableMap(kiwi),
        dir,
        out,
        childRound);
  }

  /** Thrown by {@link #parse} for {@code --help}; the caller prints {@link #USAGE}. */
  static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help requested", null, false, false);
    }
  }

  /** The first (in a child, the only) key count. */
  int num() {
    return nums.get(0);
  }

  /** The first (in a child, the only) method. */
  Method method() {
    return methods.get(0);
  }

  /** Operations per read workload at the first key count. */
  int reads() {
    return readsFor(num());
  }

  /** Operations per read workload at {@code num} keys. */
  int readsFor(int num) {
    return readsGiven > 0 ? readsGiven : num;
  }

  /** Keys of the warm-up pass at the first key count. */
  int warmupNum() {
    return warmupFor(num());
  }

  /** Keys of the warm-up pass at {@code num} keys: never more than the run's. */
  int warmupFor(int num) {
    return Math.min(warmupGiven, num);
  }

  /** Whether this is the endurance run. */
  boolean endurance() {
    return duration != null;
  }

  /** Whether this process is a child JVM. */
  boolean isChild() {
    return childRound != PARENT;
  }

  /**
   * The arguments of the child JVM that measures {@code engine} with {@code method} at {@code num}
   * keys in {@code round}, with its stores under {@code storeDir}: every size option explicit, so
   * the child needs no presets.
   */
  List<String> childArgs(EngineKind engine, Method method, int num, int round, Path storeDir) {
    List<String> a = new ArrayList<>();
    add(a, "num", num);
    add(a, "reads", readsFor(num));
    add(a, "sync-ops", syncOps);
    add(a, "warmup", warmupFor(num));
    add(a, "threads", threads);
    add(a, "key-size", keySize);
    add(a, "key-format", decimalKeys ? "decimal" : "binary");
    add(a, "value-size", valueSize);
    add(a, "batch", batchSize);
    add(a, "seek-nexts", seekNexts);
    add(a, "rounds", 1);
    add(a, "seed", seed);
    add(a, "zipf-theta", Double.toString(zipfTheta));
    add(a, "method", method.label());
    if (dropCaches) {
      a.add("--drop-caches");
    }
    if (duration != null) {
      add(a, "duration", duration.toMillis() + "ms");
      add(a, "sample-every", sampleEvery.toMillis() + "ms");
    }
    add(a, "engines", engine.label());
    List<String> labels = new ArrayList<>();
    for (WorkloadSpec s : workloads) {
      labels.add(s.label());
    }
    add(a, "workloads", String.join(",", labels));
    for (Map.Entry<String, String> e : kiwiConfig.entrySet()) {
      add(a, "kiwi", e.getKey() + "=" + e.getValue());
    }
    add(a, "dir", storeDir.toString());
    add(a, "child-round", round);
    return a;
  }

  private static void add(List<String> args, String name, Object value) {
    args.add("--" + name);
    args.add(String.valueOf(value));
  }

  /** This run with a different key count, for the warm-up pass. */
  BenchOptions withSizes(int newNum, int newReads, int newSyncOps) {
    return new BenchOptions(
        mode,
        List.of(newNum),
        newReads,
        newSyncOps,
        0,
        threads,
        keySize,
        decimalKeys,
        valueSize,
        batchSize,
        seekNexts,
        1,
        seed + 1,
        zipfTheta,
        methods,
        false,
        duration,
        sampleEvery,
        childTimeout,
        engines,
        workloads,
        kiwiConfig,
        dir,
        out,
        childRound);
  }

  private static void parseKiwi(String value, Map<String, String> into) {
    for (String pair : value.split(",")) {
      String p = pair.trim();
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new IllegalArgumentException("bad --kiwi '" + pair + "'; expected key=value");
      }
      into.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
  }

  private static boolean bool(String name, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "--" + name + " takes no value or true/false, got '" + value + "'");
    };
  }

  private static List<String> split(String name, String value, String fallback) {
    List<String> parts = new ArrayList<>();
    for (String s : (value == null ? fallback : value).split(",")) {
      if (!s.isBlank()) {
        parts.add(s.trim());
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " got an empty list: '" + value + "'");
    }
    return parts;
  }

  private static List<Integer> intList(Map<String, String> given, String name, int fallback) {
    String text = given.remove(name);
    if (text == null) {
      return List.of(fallback);
    }
    List<Integer> values = new ArrayList<>();
    for (String part : split(name, text, "")) {
      Map<String, String> one = new LinkedHashMap<>();
      one.put(name, part);
      int v = positive(one, name, fallback);
      if (values.contains(v)) {
        throw new IllegalArgumentException("--" + name + " lists " + v + " twice");
      }
      values.add(v);
    }
    return values;
  }

  private static int positive(Map<String, String> given, String name, int fallback) {
    return intOption(given, name, fallback, 1);
  }

  private static int intOption(Map<String, String> given, String name, int fallback, int min) {
    long v = longOption(given, name, fallback);
    if (v < min || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "--" + name + " must be between " + min + " and " + Integer.MAX_VALUE + ", got " + v);
    }
    return (int) v;
  }

  private static long longOption(Map<String, String> given, String name, long fallback) {
    String text = given.remove(name);
    if (text == null) {
      return fallback;
    }
    String t = text.replace("_", "");
    long scale = 1;
    // 1M, 10M, 50M as a scaling run writes them; k and G likewise (powers of 1000).
    if (!t.isEmpty()) {
      switch (Character.toLowerCase(t.charAt(t.length() - 1))) {
        case 'k' -> scale = 1_000;
        case 'm' -> scale = 1_000_000;
        case 'g' -> scale = 1_000_000_000;
        default -> scale = 1;
      }
      if (scale > 1) {
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(t), scale);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("--" + name + " needs an integer, got '" + text + "'", e);
    }
  }

  private static double doubleOption(Map<String, String> given, String name, double fallback) {
    String text = given.remove(name);
    if (text == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs a number, got '" + text + "'", e);
    }
  }

  /**
   * A duration: a number with a unit {@code ms}, {@code s}, {@code m} or {@code h} (a bare number
   * is seconds).
   */
  static Duration parseDuration(String name, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int split = 0;
    while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
      split++;
    }
    String unit = t.substring(split);
    double v;
    try {
      v = Double.parseDouble(t.substring(0, split));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " needs a duration such as 90s, 30m or 2h, got '" + text + "'", e);
    }
    double millis =
        switch (unit) {
          case "ms" -> v;
          case "", "s" -> v * 1e3;
          case "m", "min" -> v * 60e3;
          case "h" -> v * 3600e3;
          default ->
              throw new IllegalArgumentException(
                  "--"
                      + name
                      + ": unknown unit '"
                      + unit
                      + "' in '"
                      + text
                      + "'; use ms, s, m or h");
        };
    if (!(millis >= 1) || millis > 1e12) {
      throw new IllegalArgumentException(
          "--" + name + " must be at least 1 ms, got '" + text + "'");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private static Duration durationOption(
      Map<String, String> given, String name, Duration fallback) {
    String text = given.remove(name);
    return text == null ? fallback : parseDuration(name, text);
  }
}
