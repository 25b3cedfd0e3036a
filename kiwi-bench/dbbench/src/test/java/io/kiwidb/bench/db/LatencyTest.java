package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reported percentiles against an exact sorted-sample computation of the same values. */
@ExtendWith(SeededRandomExtension.class)
class LatencyTest {

  /** Nearest rank: the value at rank {@code round(p% of n)} (1-based) of the sorted values. */
  static long exact(long[] sorted, double p) {
    long rank = Math.round(p * sorted.length / 100);
    return sorted[(int) Math.max(0, rank - 1)];
  }

  @Test
  void percentilesOfMergedPerThreadHistogramsMatchTheExactOnesWithinAThousandth(
      SeededRandom random) {
    int threads = 4;
    int perThread = 50_000;
    long[] all = new long[threads * perThread];
    List<Histogram> parts = new ArrayList<>();
    int i = 0;
    for (int t = 0; t < threads; t++) {
      Histogram h = Latency.newHistogram();
      for (int j = 0; j < perThread; j++) {
        // Log-normal-ish latencies from 1 µs up, with a rare pause of up to 200 ms.
        long v = (long) (1_000 * Math.exp(random.nextGaussian() * 1.2 + 1));
        if (random.nextInt(10_000) == 0) {
          v = 50_000_000L + random.nextInt(150_000_000);
        }
        h.recordValue(v);
        all[i++] = v;
      }
      parts.add(h);
    }
    Arrays.sort(all);
    Latency.Percentiles p = Latency.Percentiles.of(Latency.merge(parts));
    assertClose(exact(all, 50), p.p50(), "p50");
    assertClose(exact(all, 99), p.p99(), "p99");
    assertClose(exact(all, 99.9), p.p999(), "p99.9");
    assertClose(all[all.length - 1], p.max(), "max");
    assertTrue(p.p50() <= p.p99() && p.p99() <= p.p999() && p.p999() <= p.max());
  }

  private static void assertClose(long exact, long reported, String what) {
    // HdrHistogram at 3 significant digits: within a thousandth of the exact value.
    assertTrue(
        Math.abs(reported - exact) <= Math.max(1, exact / 1000),
        what + ": exact " + exact + ", reported " + reported);
  }

  @Test
  void smallSamplesAndTheEmptyHistogram() {
    assertEquals(
        new Latency.Percentiles(0, 0, 0, 0), Latency.Percentiles.of(Latency.newHistogram()));
    Histogram h = Latency.newHistogram();
    for (long v = 1; v <= 1000; v++) {
      h.recordValue(v); // exact at 3 digits below 2048
    }
    Latency.Percentiles p = Latency.Percentiles.of(h);
    assertEquals(500, p.p50());
    assertEquals(990, p.p99());
    assertEquals(999, p.p999());
    assertEquals(1000, p.max());
    // An hour is in range; a latency is never dropped.
    Histogram longOne = Latency.newHistogram();
    longOne.recordValue(Latency.HIGHEST_NANOS);
    assertEquals(1, longOne.getTotalCount());
  }
}
