package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny end-to-end runs: real child JVMs once, then the child code in this JVM for the rest. */
class DbBenchTest {
  @TempDir Path tmp;

  private static final String SMALL_MEMTABLES =
      "max_memtable_size_mb=0.05,compaction_check_interval=0.05";

  /** Runs the child's code in this JVM, as a child JVM would, and returns its output lines. */
  static List<String> inProcess(
      String what, List<String> args, java.time.Duration timeout, PrintStream progress) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DbBench.child(
        BenchOptions.parse(args.toArray(String[]::new)),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        progress);
    return List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
  }

  private static PrintStream sink(ByteArrayOutputStream b) {
    return new PrintStream(b, true, StandardCharsets.UTF_8);
  }

  @Test
  void aScalingRunInFreshChildJvmsWritesTheReportsCsvAndCharts() throws Exception {
    Path out = tmp.resolve("out");
    Path dir = tmp.resolve("data");
    BenchOptions o =
        BenchOptions.parse(
            "--engines",
            "kiwi,rocksdb-like",
            "--num",
            "1500,3000",
            "--method",
            "dbbench",
            "--workloads",
            "fillrandom,readrandom,fillsync:2",
            "--warmup",
            "200",
            "--rounds",
            "1",
            "--sync-ops",
            "8",
            "--kiwi",
            SMALL_MEMTABLES,
            "--dir",
            dir.toString(),
            "--out",
            out.toString());
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    DbBench.Result r = DbBench.run(o, sink(progress), "test", DbBench::launchChild);

    assertEquals(2 * 2 * 3, r.measurements().size(), "2 key counts x 2 engines x 3 workloads");
    for (Measurement m : r.measurements()) {
      assertEquals("dbbench", m.method());
      assertTrue(m.ops() > 0 && m.maxNanos() >= m.p999Nanos(), m.toString());
    }
    Measurement fill =
        r.measurements().stream()
            .filter(m -> m.num() == 3000 && m.workload().equals("fillrandom"))
            .findFirst()
            .orElseThrow();
    assertEquals(3000, fill.ops());
    assertTrue(fill.spaceAmp() > 0, "space amplification from the ledger: " + fill);
    String text = progress.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("dbbench: rocksdb-like, 3,000 keys, dbbench, round 1/1"), text);
    assertTrue(text.contains("kiwi: warm-up (200 keys)"), "child stderr is passed on: " + text);
    assertEquals(2, r.groups().size());
    for (String f :
        List.of(
            "dbbench.md",
            "dbbench.jsonl",
            "medians.csv",
            "ratios-1500-dbbench.svg",
            "ratios-3000-dbbench.svg",
            "scaling-dbbench.svg")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    String csv = Files.readString(out.resolve("medians.csv"));
    assertEquals(1 + 2 * 2 * 3, csv.split("\n").length, csv);
    assertTrue(Files.readString(out.resolve("dbbench.md")).contains("## 3,000 keys, dbbench"));
    assertTrue(DbBench.replot(out).contains("## 1,500 keys, dbbench"), "replot reads it back");
    try (Stream<Path> left = Files.list(dir)) {
      assertFalse(left.findAny().isPresent(), "every store was deleted");
    }
  }

  @Test
  void everyWorkloadUnderBothMethods() throws Exception {
    Path out = tmp.resolve("out");
    Path dir = tmp.resolve("data");
    BenchOptions o =
        BenchOptions.parse(
            "--engines",
            "kiwi",
            "--num",
            "2000",
            "--warmup",
            "300",
            "--rounds",
            "1",
            "--sync-ops",
            "16",
            "--method",
            "both",
            "--workloads",
            BenchOptions.DEFAULT_WORKLOADS + ",ycsb",
            "--kiwi",
            SMALL_MEMTABLES,
            "--dir",
            dir.toString(),
            "--out",
            out.toString());
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    DbBench.Result r = DbBench.run(o, sink(progress), "test", DbBenchTest::inProcess);

    int perMethod = o.workloads().size();
    assertEquals(21, perMethod);
    assertEquals(2 * perMethod, r.measurements().size(), "one measurement per workload and method");
    for (String method : List.of("settled", "dbbench")) {
      List<Measurement> ms = new ArrayList<>();
      for (Measurement m : r.measurements()) {
        if (m.method().equals(method)) {
          ms.add(m);
        }
      }
      Measurement fillseq = ms.get(0);
      assertEquals("fillseq", fillseq.workload());
      assertEquals(2000, fillseq.ops());
      assertEquals(2000L * 116, fillseq.bytes());
      assertTrue(fillseq.diskBytes() > 0);
      assertTrue(fillseq.writeAmpWithWal() > fillseq.writeAmp(), "the WAL adds bytes");
      if (method.equals("settled")) {
        // 116 KB through 50 KB memtables: the settled store flushed them all.
        assertTrue(fillseq.writeAmp() > 0.5, "write amplification " + fillseq.writeAmp());
      }
      Measurement readrandom = byName(ms, "readrandom");
      assertEquals(2000, readrandom.ops());
      // After fillrandom + overwrite about 86% of the key space is present.
      assertTrue(readrandom.found() > 1000 && readrandom.found() < 2000, "" + readrandom.found());
      assertEquals(0, byName(ms, "readmissing").found(), "missing keys are never found");
      long present = byName(ms, "readseq").ops();
      assertEquals(present, byName(ms, "readreverse").ops(), "both scans see every live key");
      assertTrue(present > 1500 && present < 2000, "live keys " + present);
      assertTrue(byName(ms, "seekrandom").found() > 1900);
      assertEquals(16, byName(ms, "fillsync").ops());
      assertEquals(32, byName(ms, "fillsync:32").threads());
      assertTrue(Double.isNaN(readrandom.writeAmp()));
      // YCSB runs on its own loaded store: every key present.
      assertEquals(2000, byName(ms, "ycsb-c").found(), "ycsb-c reads only present keys");
      assertTrue(byName(ms, "ycsb-e").found() > 1800);
      assertTrue(byName(ms, "ycsb-load").spaceAmp() > 0);
    }
    String md = Files.readString(out.resolve("dbbench.md"));
    assertTrue(md.contains("## 2,000 keys, settled") && md.contains("## 2,000 keys, dbbench"));
    assertTrue(md.contains("| fillsync:8 | 8 |"));
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("warm-up"));
    try (Stream<Path> left = Files.list(dir)) {
      assertFalse(left.findAny().isPresent(), "every store was deleted");
    }
  }

  @Test
  void theEnduranceRunSamplesEveryPeriodIntoACsvPerEngine() throws Exception {
    Path out = tmp.resolve("out");
    BenchOptions o =
        BenchOptions.parse(
            "--engines",
            "kiwi,rocksdb-like",
            "--num",
            "2000",
            "--warmup",
            "0",
            "--threads",
            "2",
            "--duration",
            "2s",
            "--sample-every",
            "500ms",
            "--kiwi",
            SMALL_MEMTABLES,
            "--dir",
            tmp.resolve("data").toString(),
            "--out",
            out.toString());
    DbBench.Result r =
        DbBench.run(o, sink(new ByteArrayOutputStream()), "test", DbBenchTest::inProcess);
    assertTrue(r.markdown().startsWith("# Endurance"), r.markdown());
    for (String engine : List.of("kiwi", "rocksdb-like")) {
      List<String> lines = Files.readAllLines(out.resolve("endurance-" + engine + ".csv"));
      assertEquals(Endurance.CSV_HEADER, lines.get(0));
      assertEquals(4, lines.size() - 1, "a sample every 500 ms for 2 s: " + lines);
      int columns = Endurance.CSV_HEADER.split(",").length;
      for (String row : lines.subList(1, lines.size())) {
        String[] f = row.split(",", -1);
        assertEquals(columns, f.length, row);
        assertEquals(engine, f[0]);
        assertTrue(Long.parseLong(f[2]) > 0, "operations in every interval: " + row);
        assertTrue(Double.parseDouble(f[8]) > 0, "heap used: " + row);
        assertTrue(Long.parseLong(f[12]) > 0, "store files: " + row);
        assertTrue(Long.parseLong(f[14]) > 0, "open descriptors: " + row);
      }
    }
    assertTrue(Files.readString(out.resolve("endurance.svg")).contains("open_fds"));
    assertTrue(Files.exists(out.resolve("endurance.md")));
  }

  @Test
  void pageCacheDropReportsWhatHappened() throws Exception {
    Path control = tmp.resolve("drop_caches");
    PageCache.Outcome ok = PageCache.drop(control);
    assertTrue(ok.dropped(), ok.detail());
    assertEquals("3\n", Files.readString(control));
    PageCache.Outcome no = PageCache.drop(tmp.resolve("no/such/dir/drop_caches"));
    assertFalse(no.dropped());
    assertTrue(no.detail().startsWith("cannot write"), no.detail());
  }

  private static Measurement byName(List<Measurement> ms, String workload) {
    return ms.stream().filter(m -> m.workload().equals(workload)).findFirst().orElseThrow();
  }
}
