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
    assertEquals(12, o.workloads().size());
    assertEquals("fillseq", o.workloads().get(0).label());
    assertEquals(new WorkloadSpec(Workload.FILLSYNC, 8), o.workloads().get(11));
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
    assertThrows(BenchOptions.HelpRequested.class, () -> BenchOptions.parse("--help"));
  }

  private static void assertMessage(String expected, String... args) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(args));
    assertTrue(
        e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' lacks " + expected);
  }
}
