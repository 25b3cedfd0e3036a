package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void medianOfOddAndEvenCountsIgnoringNaN() {
    assertEquals(2.0, Summary.median(3, 1, 2));
    assertEquals(2.5, Summary.median(4, 1, 3, 2));
    assertEquals(5.0, Summary.median(Double.NaN, 5));
    assertTrue(Double.isNaN(Summary.median(Double.NaN)));
    assertTrue(Double.isNaN(Summary.median()));
  }

  /** A read measurement with {@code ops} operations in one second. */
  static Measurement run(int round, String engine, String workload, long ops) {
    return new Measurement(
        round,
        engine,
        workload,
        1,
        1_000_000,
        "settled",
        ops,
        1_000_000_000L,
        ops * 116,
        ops,
        1_000,
        9_000,
        20_000,
        4_000_000,
        -1,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        64_000_000,
        200_000_000);
  }

  @Test
  void ratiosAreRatiosOfMediansAndTheWarmUpIsIgnored() {
    List<Measurement> ms = new ArrayList<>();
    ms.add(run(-1, "kiwi", "readseq", 1)); // warm-up: must not count
    ms.add(run(0, "kiwi", "readseq", 300));
    ms.add(run(1, "kiwi", "readseq", 100));
    ms.add(run(2, "kiwi", "readseq", 200));
    ms.add(run(0, "rocksdb-like", "readseq", 50));
    ms.add(run(1, "rocksdb-like", "readseq", 100));
    ms.add(run(2, "rocksdb-like", "readseq", 1000));
    ms.add(run(0, "rocksdb-default", "readseq", 400));
    Summary s =
        Summary.of(ms, List.of("readseq"), List.of("kiwi", "rocksdb-like", "rocksdb-default"));

    Summary.Row kiwi = s.row("readseq", "kiwi");
    assertEquals(3, kiwi.samples());
    assertEquals(200.0, kiwi.opsPerSec(), 1e-9);
    assertEquals(200 * 116 / 1e6, kiwi.mbPerSec(), 1e-9);
    assertEquals(1.0, kiwi.p50Micros(), 1e-9);
    assertEquals(9.0, kiwi.p99Micros(), 1e-9);
    assertEquals(20.0, kiwi.p999Micros(), 1e-9);
    assertEquals(4000.0, kiwi.maxMicros(), 1e-9);
    assertTrue(Double.isNaN(kiwi.diskMb()), "reads have no disk size");
    assertEquals(200.0, kiwi.rssPeakMb(), 1e-9);

    Summary.Ratio r = s.ratios().get(0);
    assertEquals(2.0, r.vsLike(), 1e-9);
    assertEquals(0.5, r.vsDefault(), 1e-9);
    assertEquals(3.0, r.aim());
    assertTrue(r.meetsTarget());
    assertFalse(r.meetsAim());
    assertEquals("target met, below aim", r.verdict());
  }

  @Test
  void aMissingEngineGivesNoRatio() {
    Measurement eightThreads =
        new Measurement(
            0,
            "kiwi",
            "fillsync:8",
            8,
            1000,
            "dbbench",
            10,
            1_000_000_000L,
            1160,
            0,
            1,
            1,
            1,
            1,
            1,
            1.0,
            1.5,
            2.0,
            1,
            1);
    Summary s = Summary.of(List.of(eightThreads), List.of("fillsync:8"), List.of("kiwi"));
    Summary.Ratio r = s.ratios().get(0);
    assertTrue(Double.isNaN(r.vsLike()));
    assertEquals("n/a", r.verdict());
    assertEquals(3.0, r.aim(), "8-thread fillsync aims at 3x");
    assertNull(s.row("fillsync:8", "rocksdb-like"));
  }

  @Test
  void verdicts() {
    assertEquals("aim met", new Summary.Ratio("x", 1, 1.5, 1.5, 1).verdict());
    assertEquals("missed", new Summary.Ratio("x", 1, 1.5, 0.99, 1).verdict());
  }

  @Test
  void measurementRates() {
    Measurement m = run(0, "kiwi", "readrandom", 500_000);
    assertEquals(500_000.0, m.opsPerSec(), 1e-6);
    assertEquals(58.0, m.mbPerSec(), 1e-9);
  }
}
