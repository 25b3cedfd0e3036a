package io.kiwidb.sstable.bloom;

/**
 * Sizing of the blocked Bloom filter: for a target false-positive rate, the fewest bits per key
 * (and the probe count that achieves it) such that the filter's expected rate is at most the
 * target, counting the penalty of confining each key's probes to one 512-bit block.
 *
 * <p>The model (exact for uniform hashing; see {@code docs/format/filters.md}): with {@code b} bits
 * per key, the number of keys landing in the block an absent key probes is Poisson with mean {@code
 * λ = 512 / b}. A block holding {@code i} keys has received {@code j = k·i} uniform bit throws; an
 * absent key's {@code k} probes hit {@code s} distinct bits with probability {@code D(k, s)}, and
 * all {@code s} are set with probability {@code Q(s, j) = Σ_t (-1)^t C(s,t) (1 - t/512)^j}
 * (inclusion–exclusion over the unset ones). So
 *
 * <pre>
 *   fpr(b, k) = Σ_i Poisson(i; 512/b) · Σ_s D(k, s) · Q(s, k·i)
 * </pre>
 *
 * Unlike the textbook {@code (1 - e^{-k/b})^k}, this accounts for the uneven block loads and for
 * probes of one key hitting the same bit, so it can be held to the measured rate within a few
 * percent.
 *
 * <p>Thread safety: immutable tables built once in the static initialiser.
 *
 * @param bitsPerKey bits per key the filter is sized with (before rounding up to whole blocks)
 * @param probes probes per key
 * @param falsePositiveRate {@code fpr(bitsPerKey, probes)}
 */
record BloomGeometry(double bitsPerKey, int probes, double falsePositiveRate) {
  static final int BLOCK_BITS = 512;
  static final int MAX_PROBES = 16;
  static final double MIN_BITS_PER_KEY = 1;
  static final double MAX_BITS_PER_KEY = 100;

  /** Largest block load summed over: far in the tail of Poisson(512 / MIN_BITS_PER_KEY). */
  private static final int MAX_LOAD =
      (int) Math.ceil(BLOCK_BITS / MIN_BITS_PER_KEY + 12 * Math.sqrt(BLOCK_BITS) + 32);

  /** FP_BY_LOAD[k][i]: rate for an absent key probing a block that holds i keys, k probes. */
  private static final double[][] FP_BY_LOAD = new double[MAX_PROBES + 1][];

  static {
    for (int k = 1; k <= MAX_PROBES; k++) {
      double[] distinct = distinctBits(k);
      double[][] binomial = binomials(k);
      // unsetPow[t] = (1 - t/512)^(k·i) for the current load i, advanced by one factor per key:
      // plain multiplications, so the table is cheap to build and identical on every JVM.
      double[] step = new double[k + 1];
      double[] unsetPow = new double[k + 1];
      for (int t = 0; t <= k; t++) {
        step[t] = StrictMath.pow(1 - (double) t / BLOCK_BITS, k);
        unsetPow[t] = 1;
      }
      double[] byLoad = new double[MAX_LOAD + 1];
      for (int i = 1; i <= MAX_LOAD; i++) {
        for (int t = 0; t <= k; t++) {
          unsetPow[t] *= step[t];
        }
        double p = 0;
        for (int s = 1; s <= k; s++) {
          // Q(s, k·i): all s distinct probed bits set, by inclusion–exclusion over unset ones.
          double allSet = 0;
          for (int t = 0; t <= s; t++) {
            double term = binomial[s][t] * unsetPow[t];
            allSet += (t & 1) == 0 ? term : -term;
          }
          p += distinct[s] * allSet;
        }
        byLoad[i] = Math.min(1, Math.max(0, p));
      }
      FP_BY_LOAD[k] = byLoad;
    }
  }

  /** Binomial coefficients C(s, t) for s, t ≤ k. */
  private static double[][] binomials(int k) {
    double[][] c = new double[k + 1][];
    for (int s = 0; s <= k; s++) {
      c[s] = new double[s + 1];
      c[s][0] = 1;
      c[s][s] = 1;
      for (int t = 1; t < s; t++) {
        c[s][t] = c[s - 1][t - 1] + c[s - 1][t];
      }
    }
    return c;
  }

  /** P(k uniform probes into a block cover exactly s distinct bits), s = 0..k. */
  private static double[] distinctBits(int k) {
    double[] d = new double[k + 1];
    d[0] = 1;
    for (int t = 0; t < k; t++) {
      for (int s = t + 1; s >= 1; s--) {
        d[s] = d[s] * s / BLOCK_BITS + d[s - 1] * (BLOCK_BITS - (s - 1)) / BLOCK_BITS;
      }
      d[0] = 0;
    }
    return d;
  }

  /** The expected false-positive rate with {@code bitsPerKey} bits per key and {@code k} probes. */
  static double falsePositiveRate(double bitsPerKey, int k) {
    double lambda = BLOCK_BITS / bitsPerKey;
    int last = (int) Math.min(MAX_LOAD, Math.ceil(lambda + 12 * Math.sqrt(lambda) + 32));
    // Poisson weights by recurrence, starting in log space so large λ cannot underflow to 0.
    double logP = -lambda;
    double sum = 0;
    for (int i = 1; i <= last; i++) {
      logP += StrictMath.log(lambda / i);
      sum += StrictMath.exp(logP) * FP_BY_LOAD[k][i];
    }
    return sum;
  }

  /** The cheapest geometry whose expected rate is at most {@code target} (capped at 100 bits). */
  static BloomGeometry forTarget(double target) {
    BloomGeometry best = null;
    for (int k = 1; k <= MAX_PROBES; k++) {
      double b;
      if (falsePositiveRate(MAX_BITS_PER_KEY, k) > target) {
        b = MAX_BITS_PER_KEY;
      } else {
        double lo = MIN_BITS_PER_KEY;
        double hi = MAX_BITS_PER_KEY;
        if (falsePositiveRate(lo, k) <= target) {
          hi = lo;
        }
        // fpr falls as b grows; 1/1024 bit is finer than any block rounding matters.
        while (hi - lo > 1.0 / 1024) {
          double mid = (lo + hi) / 2;
          if (falsePositiveRate(mid, k) <= target) {
            hi = mid;
          } else {
            lo = mid;
          }
        }
        b = hi;
      }
      BloomGeometry g = new BloomGeometry(b, k, falsePositiveRate(b, k));
      if (best == null
          || g.bitsPerKey < best.bitsPerKey
          || (g.bitsPerKey == best.bitsPerKey && g.falsePositiveRate < best.falsePositiveRate)) {
        best = g;
      } else if (g.bitsPerKey > best.bitsPerKey + 1) {
        break; // past the optimum: more probes only need more bits from here on
      }
    }
    return best;
  }
}
