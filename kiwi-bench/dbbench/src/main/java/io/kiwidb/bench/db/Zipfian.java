package io.kiwidb.bench.db;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Zipfian ranks as YCSB draws them: rank {@code r} of {@code n} items (0 the most popular) has
 * probability proportional to {@code 1 / (r + 1)^theta}, with YCSB's default {@code theta} 0.99.
 * The method is Gray et al.'s ("Quickly generating billion-record synthetic databases", SIGMOD
 * 1994), the one YCSB's {@code ZipfianGenerator} implements: ranks 0 and 1 exactly, the tail by a
 * closed-form approximation, one uniform draw per rank.
 *
 * <p>The item count may grow ({@link #next(SplittableRandom, long)}, for YCSB D's "latest"
 * distribution over a growing record set); the normalising constant {@code zeta(n)} is then
 * extended incrementally. {@code zeta(n)} costs {@code n} powers: it is computed once per {@code
 * (n, theta)} in the process and shared by every generator.
 *
 * <p>Every draw takes exactly one {@code nextDouble()} of the caller's random, whatever the item
 * count, so a thread's sequence of draws is replayable from its seed.
 *
 * <p>Thread safety: not thread-safe; give each thread its own generator (construction is cheap once
 * the constant is cached).
 */
final class Zipfian {
  /** YCSB's {@code zipfianconstant}. */
  static final double YCSB_THETA = 0.99;

  private static final Map<String, Double> ZETA = new ConcurrentHashMap<>();

  private final double theta;
  private final double alpha;
  private final double zeta2;
  private final double half;
  private long items;
  private double zetan;
  private double eta;

  /**
   * A generator over {@code items} ranks.
   *
   * @throws IllegalArgumentException for fewer than one item or {@code theta} outside (0, 1)
   */
  Zipfian(long items, double theta) {
    if (items < 1) {
      throw new IllegalArgumentException("zipfian needs at least one item, got " + items);
    }
    if (!(theta > 0 && theta < 1)) {
      throw new IllegalArgumentException("zipfian theta must be in (0, 1), got " + theta);
    }
    this.theta = theta;
    this.alpha = 1 / (1 - theta);
    this.zeta2 = zeta(0, 2, theta, 0);
    this.half = Math.pow(0.5, theta);
    this.items = items;
    this.zetan = ZETA.computeIfAbsent(items + "/" + theta, k -> zeta(0, items, theta, 0));
    this.eta = eta();
  }

  /** The item count the next plain {@link #next(SplittableRandom)} draws over. */
  long items() {
    return items;
  }

  /** A rank in {@code [0, items)}. */
  long next(SplittableRandom random) {
    double u = random.nextDouble();
    double uz = u * zetan;
    if (uz < 1) {
      return 0;
    }
    if (uz < 1 + half) {
      return Math.min(1, items - 1);
    }
    long r = (long) (items * Math.pow(eta * u - eta + 1, alpha));
    return Math.min(Math.max(r, 0), items - 1);
  }

  /**
   * A rank in {@code [0, itemCount)}; a count above the current one extends the constant first (a
   * smaller one is not supported: the records only grow).
   */
  long next(SplittableRandom random, long itemCount) {
    if (itemCount > items) {
      zetan = zeta(items, itemCount, theta, zetan);
      items = itemCount;
      eta = eta();
    }
    return next(random);
  }

  private double eta() {
    return (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetan);
  }

  /** {@code initial + sum over i in [from, to) of 1 / (i + 1)^theta}. */
  static double zeta(long from, long to, double theta, double initial) {
    double sum = initial;
    for (long i = from; i < to; i++) {
      sum += 1 / Math.pow((double) (i + 1), theta);
    }
    return sum;
  }

  /**
   * A bijection of {@code [0, n)} used to scatter ranks over the key space (YCSB's "scrambled
   * zipfian" spreads the popular records the same way, with a hash modulo {@code n}; a bijection
   * keeps the popularity of every record exactly zipfian).
   */
  static final class Scatter {
    private final long n;
    private final long multiplier;
    private final long offset;

    Scatter(long n, long seed) {
      if (n < 1) {
        throw new IllegalArgumentException("scatter needs at least one key, got " + n);
      }
      this.n = n;
      // An odd multiplier near n * golden ratio, made coprime with n: rank -> rank * m + c mod n
      // is then a permutation.
      long m = Math.max(1, (long) (n * 0.6180339887498949)) | 1;
      while (gcd(m, n) != 1) {
        m += 2;
      }
      this.multiplier = m % n == 0 ? 1 : m % n;
      this.offset = Math.floorMod(seed, n);
    }

    /** The key of rank {@code r}. */
    long key(long r) {
      // r, multiplier < n <= 2^31 keeps the product below 2^62.
      return (Math.floorMod(r, n) * multiplier + offset) % n;
    }

    private static long gcd(long a, long b) {
      long x = a;
      long y = b;
      while (y != 0) {
        long t = x % y;
        x = y;
        y = t;
      }
      return x;
    }
  }
}
