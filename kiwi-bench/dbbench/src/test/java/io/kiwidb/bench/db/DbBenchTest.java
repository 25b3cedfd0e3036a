package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run: kiwi only, every workload, 2000 keys, one round. */
class DbBenchTest {
  @TempDir Path tmp;

  @Test
  void aTinyKiwiRunMeasuresEveryWorkloadAndWritesTheReports() throws Exception {
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
            "--kiwi",
            "max_memtable_size_mb=0.05,compaction_check_interval=0.05",
            "--dir",
            dir.toString(),
            "--out",
            out.toString());
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    DbBench.Result r =
        DbBench.run(o, new PrintStream(progress, true, StandardCharsets.UTF_8), "test");

    List<Measurement> ms = r.measurements();
    assertEquals(12, ms.size(), "one measurement per workload");
    Measurement fillseq = ms.get(0);
    assertEquals("fillseq", fillseq.workload());
    assertEquals(2000, fillseq.ops());
    assertEquals(2000L * 116, fillseq.bytes());
    assertTrue(fillseq.diskBytes() > 0);
    // 116 KB through 50 KB memtables: at least one flush wrote table bytes.
    assertTrue(fillseq.writeAmp() > 0.5, "write amplification " + fillseq.writeAmp());

    Measurement readrandom = byName(ms, "readrandom");
    assertEquals(2000, readrandom.ops());
    // After fillrandom + overwrite about 86% of the key space is present.
    assertTrue(readrandom.found() > 1000 && readrandom.found() < 2000, "" + readrandom.found());
    assertEquals(0, byName(ms, "readmissing").found(), "missing keys are never found");
    long present = byName(ms, "readseq").ops();
    assertEquals(present, byName(ms, "readreverse").ops(), "both scans see every live key");
    assertTrue(present > 1500 && present < 2000, "live keys " + present);
    // A seek lands on the target or the next live key; only targets past the last one miss.
    assertTrue(byName(ms, "seekrandom").found() > 1900);
    assertEquals(16, byName(ms, "fillsync").ops());
    assertEquals(8, byName(ms, "fillsync:8").threads());
    assertTrue(Double.isNaN(readrandom.writeAmp()));

    assertEquals("kiwi", r.summary().rows().get(0).engine());
    assertTrue(Double.isNaN(r.summary().ratios().get(0).vsLike()), "no RocksDB in this run");
    for (String f : List.of("dbbench.md", "dbbench.jsonl", "dbbench.svg")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    assertTrue(Files.readString(out.resolve("dbbench.md")).contains("| fillsync:8 | 8 |"));
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("warm-up kiwi"));
    try (Stream<Path> left = Files.list(dir)) {
      assertFalse(left.findAny().isPresent(), "every store was deleted");
    }
  }

  private static Measurement byName(List<Measurement> ms, String workload) {
    return ms.stream().filter(m -> m.workload().equals(workload)).findFirst().orElseThrow();
  }
}
