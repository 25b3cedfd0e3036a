package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The YCSB key distributions: seeded, so a failure prints its seed and replays. */
@ExtendWith(SeededRandomExtension.class)
class ZipfianTest {
  private static final int N = 1000;
  private static final int DRAWS = 200_000;

  @Test
  void ranksFollowTheZipfianLawWithinSamplingError(SeededRandom seed) {
    SplittableRandom random = new SplittableRandom(seed.nextLong());
    Zipfian z = new Zipfian(N, Zipfian.YCSB_THETA);
    long[] counts = new long[N];
    for (int i = 0; i < DRAWS; i++) {
      long r = z.next(random);
      assertTrue(r >= 0 && r < N, "rank " + r);
      counts[(int) r]++;
    }
    double zetan = Zipfian.zeta(0, N, Zipfian.YCSB_THETA, 0);
    // Ranks 0 and 1 are drawn exactly: within 5 standard deviations of the binomial count.
    for (int r = 0; r < 2; r++) {
      double p = 1 / Math.pow(r + 1, Zipfian.YCSB_THETA) / zetan;
      double sd = Math.sqrt(DRAWS * p * (1 - p));
      assertEquals(DRAWS * p, (double) counts[r], 5 * sd, "rank " + r);
    }
    // The tail is Gray et al.'s approximation: the share of the top 10 and top 100 ranks within
    // two points of the exact law, and the law's skew (rank 0 about 100x rank 999... in bulk).
    for (int top : new int[] {10, 100}) {
      long in = 0;
      for (int r = 0; r < top; r++) {
        in += counts[r];
      }
      double exact = Zipfian.zeta(0, top, Zipfian.YCSB_THETA, 0) / zetan;
      assertEquals(exact, (double) in / DRAWS, 0.02, "share of the top " + top);
    }
    long lastHundred = 0;
    for (int r = N - 100; r < N; r++) {
      lastHundred += counts[r];
    }
    assertTrue(counts[0] > 10 * lastHundred / 100, "the head is far more popular than the tail");
  }

  @Test
  void everyDrawTakesOneUniformDrawSoASeedReplaysTheSequence(SeededRandom seed) {
    long s = seed.nextLong();
    Zipfian a = new Zipfian(N, 0.99);
    Zipfian b = new Zipfian(N, 0.99);
    SplittableRandom ra = new SplittableRandom(s);
    SplittableRandom rb = new SplittableRandom(s);
    SplittableRandom counter = new SplittableRandom(s);
    for (int i = 0; i < 10_000; i++) {
      long x = i % 3 == 0 ? a.next(ra, N + i) : a.next(ra);
      long y = i % 3 == 0 ? b.next(rb, N + i) : b.next(rb);
      assertEquals(x, y, "draw " + i);
      counter.nextDouble();
    }
    assertEquals(counter.nextLong(), ra.nextLong(), "exactly one nextDouble per draw");
  }

  @Test
  void aGrowingItemCountExtendsTheConstantAndStaysInRange(SeededRandom seed) {
    SplittableRandom random = new SplittableRandom(seed.nextLong());
    Zipfian z = new Zipfian(100, 0.99);
    for (long count = 100; count < 5000; count += 37) {
      long r = z.next(random, count);
      assertTrue(r >= 0 && r < count, r + " of " + count);
      assertEquals(count, z.items());
    }
    // The incrementally extended constant equals the directly computed one.
    Zipfian grown = new Zipfian(10, 0.5);
    grown.next(random, 1234);
    Zipfian direct = new Zipfian(1234, 0.5);
    SplittableRandom r1 = new SplittableRandom(9);
    SplittableRandom r2 = new SplittableRandom(9);
    for (int i = 0; i < 1000; i++) {
      assertEquals(direct.next(r2), grown.next(r1));
    }
    assertEquals(
        Zipfian.zeta(0, 1234, 0.5, 0),
        Zipfian.zeta(10, 1234, 0.5, Zipfian.zeta(0, 10, 0.5, 0)),
        1e-9);
  }

  @Test
  void scatterIsAPermutationOfTheKeySpace(SeededRandom seed) {
    for (long n : new long[] {1, 2, 3, 10, 64, 97, 1000, 65_536, 100_003}) {
      Zipfian.Scatter s = new Zipfian.Scatter(n, seed.nextLong());
      BitSet seen = new BitSet();
      for (long r = 0; r < n; r++) {
        long k = s.key(r);
        assertTrue(k >= 0 && k < n, k + " outside [0, " + n + ")");
        seen.set((int) k);
      }
      assertEquals(n, seen.cardinality(), "every key once for n = " + n);
    }
    // Neighbouring ranks land far apart: the popular keys are spread over the key space.
    Zipfian.Scatter s = new Zipfian.Scatter(1_000_000, 1);
    assertTrue(Math.abs(s.key(0) - s.key(1)) > 1000);
  }

  @Test
  void badParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Zipfian(0, 0.99));
    assertThrows(IllegalArgumentException.class, () -> new Zipfian(10, 1.0));
    assertThrows(IllegalArgumentException.class, () -> new Zipfian(10, 0));
    assertThrows(IllegalArgumentException.class, () -> new Zipfian.Scatter(0, 1));
  }

  @Test
  void ycsbMixesPickOperationsByTheirShares(SeededRandom seed) {
    SplittableRandom random = new SplittableRandom(seed.nextLong());
    Workload.YcsbMix e = Workload.YCSB_E.ycsb();
    int scans = 0;
    int inserts = 0;
    for (int i = 0; i < 100_000; i++) {
      switch (e.pick(random.nextDouble())) {
        case SCAN -> scans++;
        case INSERT -> inserts++;
        default -> throw new AssertionError("E only scans and inserts");
      }
    }
    assertEquals(0.95, scans / 100_000.0, 0.005);
    assertEquals(0.05, inserts / 100_000.0, 0.005);
    assertEquals(Workload.Op.READ_MODIFY_WRITE, Workload.YCSB_F.ycsb().pick(0.75));
    assertEquals(Workload.Op.READ, Workload.YCSB_C.ycsb().pick(0.999999));
    assertEquals(Workload.Op.UPDATE, Workload.YCSB_A.ycsb().pick(Math.nextDown(1.0)));
    assertThrows(
        IllegalArgumentException.class, () -> new Workload.YcsbMix(0.5, 0.4, 0, 0, 0, false));
  }
}
