package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsAreTheQuickPresetWithEveryEngineAndWorkload() {
    BenchOptions o = BenchOptions.parse();
    assertEquals(BenchOptions.Mode.QUICK, o.mode());
    assertEquals(20_000, o.num());
    assertEquals(o.num(), o.reads());
    assertEquals(1, o.threads());
    assertEquals(16, o.keySize());
    assertFalse(o.decimalKeys(), "db_bench's binary key layout by default");
    assertEquals(100, o.valueSize());
    assertEquals(3, o.rounds());
    assertEquals(
        List.of(EngineKind.KIWI, EngineKind.ROCKSDB_LIKE, EngineKind.ROCKSDB_DEFAULT), o.engines());
    assertEquals(14, o.workloads().size());
    assertEquals("fillseq", o.workloads().get(0).label());
    assertEquals(new WorkloadSpec(Workload.FILLSYNC, 8), o.workloads().get(11));
    assertEquals(new WorkloadSpec(Workload.FILLSYNC, 32), o.workloads().get(13));
    assertEquals(List.of(Method.SETTLED), o.methods());
    assertEquals(List.of(20_000), o.nums());
    assertFalse(o.dropCaches());
    assertFalse(o.endurance());
    assertFalse(o.isChild());
    assertEquals(0.99, o.zipfTheta());
    assertNull(o.dir());
    assertEquals(Path.of("dbbench-results"), o.out());
    assertTrue(o.kiwiConfig().isEmpty());
  }

  @Test
  void fullModeUsesOneMillionKeysAndExplicitSizesWinWhereverTheyAppear() {
    BenchOptions full = BenchOptions.parse("--mode", "full");
    assertEquals(1_000_000, full.num());
    assertEquals(250_000, full.reads());
    assertEquals(3000, BenchOptions.parse("--mode", "full", "--num", "3000").reads());

    BenchOptions o = BenchOptions.parse("--num=2000", "--mode", "full", "--reads", "500");
    assertEquals(BenchOptions.Mode.FULL, o.mode());
    assertEquals(2000, o.num());
    assertEquals(500, o.reads());
    assertEquals(2000, o.warmupNum(), "the warm-up never exceeds the key count");
    assertEquals(100_000, o.warmupFor(1_000_000));
  }

  @Test
  void parsesEveryOption() {
    BenchOptions o =
        BenchOptions.parse(
            "--threads",
            "4",
            "--value-size",
            "400",
            "--key-size",
            "20",
            "--key-format",
            "decimal",
            "--batch",
            "10",
            "--seek-nexts",
            "10",
            "--rounds",
            "5",
            "--seed",
            "7",
            "--sync-ops",
            "99",
            "--warmup",
            "0",
            "--engines",
            "rocksdb-like,kiwi",
            "--workloads",
            "fillrandom, readrandom:2",
            "--kiwi",
            "compression=lz4,block_size=8192",
            "--kiwi",
            "memtable_impl=redblack",
            "--dir",
            "/tmp/x",
            "--out",
            "/tmp/y");
    assertEquals(4, o.threads());
    assertEquals(400, o.valueSize());
    assertEquals(20, o.keySize());
    assertTrue(o.decimalKeys());
    assertEquals(10, o.batchSize());
    assertEquals(10, o.seekNexts());
    assertEquals(5, o.rounds());
    assertEquals(7, o.seed());
    assertEquals(99, o.syncOps());
    assertEquals(0, o.warmupNum());
    assertEquals(List.of(EngineKind.ROCKSDB_LIKE, EngineKind.KIWI), o.engines());
    assertEquals(
        List.of(new WorkloadSpec(Workload.FILLRANDOM, 0), new WorkloadSpec(Workload.READRANDOM, 2)),
        o.workloads());
    assertEquals(
        Map.of("compression", "lz4", "block_size", "8192", "memtable_impl", "redblack"),
        o.kiwiConfig());
    assertEquals(Path.of("/tmp/x"), o.dir());
    assertEquals(Path.of("/tmp/y"), o.out());
  }

  @Test
  void workloadLabelsCarryOnlyTheirOwnThreadCount() {
    assertEquals("fillsync:8", WorkloadSpec.parse("fillsync:8").label());
    assertEquals("readseq", WorkloadSpec.parse(" readseq ").label());
    assertEquals(8, WorkloadSpec.parse("fillsync:8").threadsOr(1));
    assertEquals(3, WorkloadSpec.parse("readseq").threadsOr(3));
  }

  @Test
  void badInputIsRejectedNamingWhatWasWrong() {
    assertMessage("unknown option --nmu", "--nmu", "5");
    assertMessage("--num needs an integer, got 'lots'", "--num", "lots");
    assertMessage("--threads must be between 1", "--threads", "0");
    assertMessage("option --rounds needs a value", "--rounds");
    assertMessage("unknown workload 'readsequential'", "--workloads", "readsequential");
    assertMessage("bad thread count in workload 'fillsync:x'", "--workloads", "fillsync:x");
    assertMessage("unknown engine 'leveldb'", "--engines", "kiwi,leveldb");
    assertMessage("engine 'kiwi' given twice", "--engines", "kiwi,kiwi");
    assertMessage("bad --mode 'slow'", "--mode", "slow");
    assertMessage("bad --key-format 'hex'", "--key-format", "hex");
    assertMessage("bad --kiwi 'compression'", "--kiwi", "compression");
    assertMessage("--key-size must be between 12", "--key-size", "8");
    assertMessage("unexpected argument 'full'", "full");
    assertMessage("unknown method 'fast'", "--method", "fast");
    assertMessage("--num lists 1000 twice", "--num", "1k,1000");
    assertMessage("--num must be between 1", "--num", "10,0");
    assertMessage("--num got an empty list", "--num", ",");
    assertMessage("--duration needs a duration such as 90s", "--duration", "soon");
    assertMessage("unknown unit 'd'", "--duration", "2d");
    assertMessage("--zipf-theta must be in (0, 1)", "--zipf-theta", "1.0");
    assertMessage("--drop-caches takes no value or true/false", "--drop-caches=yes");
    assertMessage("workload 'fillsync:8' given twice", "--workloads", "fillsync:8,fillsync:8");
    assertMessage(
        "workload 'fillsync:8' given twice",
        "--workloads",
        "fillsync,fillsync:8",
        "--threads",
        "1,8");
    assertThrows(BenchOptions.HelpRequested.class, () -> BenchOptions.parse("--help"));
  }

  @Test
  void listsOfKeyCountsThreadsAndMethods() {
    BenchOptions o =
        BenchOptions.parse(
            "--num",
            "1M,10M,50_000_000",
            "--threads",
            "1,8,16,32",
            "--workloads",
            "fillsync,readrandom:2",
            "--method",
            "both",
            "--drop-caches",
            "--zipf-theta",
            "0.8");
    assertEquals(List.of(1_000_000, 10_000_000, 50_000_000), o.nums());
    assertEquals(1_000_000, o.num());
    assertEquals(10_000_000, o.readsFor(10_000_000), "reads follow each key count");
    assertEquals(List.of(Method.SETTLED, Method.DBBENCH), o.methods());
    assertTrue(o.dropCaches());
    assertEquals(0.8, o.zipfTheta());
    assertEquals(1, o.threads());
    // A workload without its own count runs once per listed count; readrandom:2 keeps its own.
    assertEquals(
        List.of("fillsync:1", "fillsync:8", "fillsync:16", "fillsync:32", "readrandom:2"),
        o.workloads().stream().map(WorkloadSpec::label).toList());
    assertEquals(List.of(Method.DBBENCH), BenchOptions.parse("--method", "dbbench").methods());
    assertEquals(
        BenchOptions.parse("--workloads", BenchOptions.YCSB_WORKLOADS).workloads(),
        BenchOptions.parse("--workloads", "ycsb").workloads());
    assertEquals(250_000, BenchOptions.parse("--mode", "full").readsFor(10_000_000));
  }

  @Test
  void durations() {
    assertEquals(java.time.Duration.ofMinutes(30), BenchOptions.parseDuration("d", "30m"));
    assertEquals(java.time.Duration.ofSeconds(90), BenchOptions.parseDuration("d", "90"));
    assertEquals(java.time.Duration.ofMillis(1500), BenchOptions.parseDuration("d", "1.5s"));
    assertEquals(java.time.Duration.ofHours(2), BenchOptions.parseDuration("d", "2h"));
    assertEquals(java.time.Duration.ofMillis(250), BenchOptions.parseDuration("d", "250ms"));
    BenchOptions e = BenchOptions.parse("--duration", "30m", "--sample-every", "5s");
    assertTrue(e.endurance());
    assertEquals(java.time.Duration.ofSeconds(5), e.sampleEvery());
    assertEquals(java.time.Duration.ofSeconds(10), BenchOptions.parse().sampleEvery());
  }

  @Test
  void childArgumentsParseBackToTheChildsShareOfTheRun() {
    BenchOptions parent =
        BenchOptions.parse(
            "--mode",
            "full",
            "--num",
            "2000,4000",
            "--threads",
            "1,8",
            "--workloads",
            "fillrandom,readrandom,ycsb-a",
            "--method",
            "both",
            "--drop-caches",
            "--kiwi",
            "compression=lz4,block_size=8192",
            "--seed",
            "7",
            "--warmup",
            "3000",
            "--duration",
            "2m");
    List<String> args =
        parent.childArgs(EngineKind.ROCKSDB_LIKE, Method.DBBENCH, 4000, 2, Path.of("/tmp/s"));
    BenchOptions child = BenchOptions.parse(args.toArray(String[]::new));
    assertTrue(child.isChild());
    assertEquals(2, child.childRound());
    assertEquals(List.of(4000), child.nums());
    assertEquals(4000, child.reads());
    assertEquals(3000, child.warmupNum());
    assertEquals(List.of(Method.DBBENCH), child.methods());
    assertEquals(List.of(EngineKind.ROCKSDB_LIKE), child.engines());
    assertEquals(parent.workloads(), child.workloads());
    assertEquals(parent.kiwiConfig(), child.kiwiConfig());
    assertEquals(parent.syncOps(), child.syncOps());
    assertEquals(7, child.seed());
    assertTrue(child.dropCaches());
    assertEquals(parent.duration(), child.duration());
    assertEquals(parent.zipfTheta(), child.zipfTheta());
    assertEquals(Path.of("/tmp/s"), child.dir());
    assertEquals(1, child.rounds());
    // The first key count's child gets a warm-up no larger than its key space.
    BenchOptions small =
        BenchOptions.parse(
            parent
                .childArgs(EngineKind.KIWI, Method.SETTLED, 2000, 0, Path.of("/tmp/s"))
                .toArray(String[]::new));
    assertEquals(2000, small.warmupNum());
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(args));
    assertTrue(
        e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' lacks " + expected);
  }
}
