package io.kiwidb.bench.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's command line, parsed. Options take {@code --name value} or {@code --name=value};
 * {@code --mode} picks presets for the sizes, and explicit size options override them wherever they
 * appear. {@code --kiwi key=value} may repeat (or hold a comma-separated list).
 *
 * @param mode the preset the sizes came from
 * @param num keys in the key space; writes per fill workload
 * @param reads operations per read workload
 * @param syncOps puts per fillsync run (all threads together)
 * @param warmupNum keys of the warm-up pass on a throw-away store (0 skips it)
 * @param threads threads per workload unless a workload names its own
 * @param keySize key length in bytes
 * @param decimalKeys keys as zero-padded decimal text instead of db_bench's binary layout
 * @param valueSize value length in bytes
 * @param batchSize operations per write batch for the fill workloads (1 = single puts)
 * @param seekNexts entries read after each seek in seekrandom
 * @param rounds interleaved rounds; the report shows medians over them
 * @param seed random seed for keys and values
 * @param engines the stores to compare, in round-robin order
 * @param workloads the workloads, in the order they run
 * @param kiwiConfig kiwi config keys set on top of the runner's own ({@code wal_sync_mode}, no log
 *     broadcast)
 * @param dir where stores are created (deleted at the end)
 * @param out where the reports are written
 */
record BenchOptions(
    Mode mode,
    int num,
    int reads,
    int syncOps,
    int warmupNum,
    int threads,
    int keySize,
    boolean decimalKeys,
    int valueSize,
    int batchSize,
    int seekNexts,
    int rounds,
    long seed,
    List<EngineKind> engines,
    List<WorkloadSpec> workloads,
    Map<String, String> kiwiConfig,
    Path dir,
    Path out) {

  /** Size presets. */
  enum Mode {
    /** A few tens of thousands of keys: the whole run in under two minutes. */
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
          + "readwhilewriting,deleterandom,fillsync,fillsync:8";

  static final String USAGE =
      String.join(
          "\n",
          "usage: bench/dbbench [options]",
          "  --mode quick|full      size presets (default quick): quick = 20k keys, full = 1M keys",
          "  --num N                keys in the key space and writes per fill",
          "  --reads N              operations per read workload (default: num; full: 250k)",
          "  --sync-ops N           puts per fillsync run",
          "  --warmup N             keys of the JIT warm-up pass on a throw-away store (0 = none)",
          "  --threads T            threads per workload (default 1); a workload may say name:T",
          "  --key-size B           key bytes (default 16, at least 12)",
          "  --key-format F         binary (db_bench: 8-byte big-endian number, '0' padding;"
              + " default) or decimal (zero-padded decimal text)",
          "  --value-size B         value bytes (default 100)",
          "  --batch B              operations per write batch in fills (default 1)",
          "  --seek-nexts K         entries read after each seek in seekrandom (default 0)",
          "  --rounds R             interleaved rounds, medians reported (default 3)",
          "  --seed S               random seed (default 301)",
          "  --engines a,b          of kiwi, rocksdb-like, rocksdb-default (default all three)",
          "  --workloads w,w:T      default " + DEFAULT_WORKLOADS,
          "  --kiwi key=value[,..]  kiwi config overrides (repeatable), e.g. compression=lz4",
          "  --dir D                where stores are created (default: a new temp directory)",
          "  --out D                where dbbench.md, dbbench.jsonl and dbbench.svg go",
          "                         (default: dbbench-results)",
          "  --help                 this text",
          "bench/dbbench --replot DIR: summarise DIR/dbbench.jsonl again, redraw DIR/dbbench.svg");

  /**
   * Parses a command line.
   *
   * @throws IllegalArgumentException naming the option and value that were wrong
   */
  static BenchOptions parse(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    Map<String, String> kiwi = new LinkedHashMap<>();
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
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option --" + name + " needs a value");
        }
        value = args[++i];
      }
      if (name.equals("kiwi")) {
        parseKiwi(value, kiwi);
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
    int num = positive(given, "num", mode.num);
    // With --num but no --mode, reads follow num; a mode's preset applies otherwise.
    int reads = positive(given, "reads", modeText == null || numGiven ? num : mode.reads);
    int syncOps = positive(given, "sync-ops", mode.syncOps);
    int warmup = intOption(given, "warmup", Math.min(num, mode.warmupNum), 0);
    int threads = positive(given, "threads", 1);
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
    List<EngineKind> engines = new ArrayList<>();
    for (String e : split(given.remove("engines"), "kiwi,rocksdb-like,rocksdb-default")) {
      EngineKind kind = EngineKind.byLabel(e);
      if (engines.contains(kind)) {
        throw new IllegalArgumentException("engine '" + e + "' given twice in --engines");
      }
      engines.add(kind);
    }
    List<WorkloadSpec> workloads = new ArrayList<>();
    for (String w : split(given.remove("workloads"), DEFAULT_WORKLOADS)) {
      workloads.add(WorkloadSpec.parse(w));
    }
    String dirText = given.remove("dir");
    Path dir = dirText == null ? null : Path.of(dirText);
    Path out = Path.of(given.getOrDefault("out", "dbbench-results"));
    given.remove("out");
    if (!given.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option --" + given.keySet().iterator().next() + "; see --help");
    }
    return new BenchOptions(
        mode,
        num,
        reads,
        syncOps,
        warmup,
        threads,
        keySize,
        keyFormat.equals("decimal"),
        valueSize,
        batch,
        seekNexts,
        rounds,
        seed,
        List.copyOf(engines),
        List.copyOf(workloads),
        Collections.unmodifiableMap(kiwi),
        dir,
        out);
  }

  /** Thrown by {@link #parse} for {@code --help}; the caller prints {@link #USAGE}. */
  static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help requested", null, false, false);
    }
  }

  /** This run with a different key count, for the warm-up pass. */
  BenchOptions withSizes(int newNum, int newReads, int newSyncOps) {
    return new BenchOptions(
        mode,
        newNum,
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
        engines,
        workloads,
        kiwiConfig,
        dir,
        out);
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

  private static List<String> split(String value, String fallback) {
    List<String> parts = new ArrayList<>();
    for (String s : (value == null ? fallback : value).split(",")) {
      if (!s.isBlank()) {
        parts.add(s.trim());
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("empty list: '" + value + "'");
    }
    return parts;
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
    try {
      return Long.parseLong(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " needs an integer, got '" + text + "'", e);
    }
  }
}
