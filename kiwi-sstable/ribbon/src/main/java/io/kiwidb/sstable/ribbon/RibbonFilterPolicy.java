package io.kiwidb.sstable.ribbon;

import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.sstable.filter.FilterHeader;
import io.kiwidb.sstable.filter.HashingBuilder;
import io.kiwidb.sstable.filter.KeyHash;

/**
 * {@code ribbon}: a Standard Ribbon filter (Dillinger and Walzer, "Ribbon filter: practically
 * smaller than Bloom and Xor", 2021), the design behind RocksDB's ribbon filter policy.
 *
 * <p>The idea: store {@code r} bits per slot in {@code m} slots (a solution {@code S}, an {@code m
 * × r} bit matrix) such that for every key, the XOR of the rows of {@code S} selected by the key's
 * 128-bit coefficient {@code c}, placed at the key's start slot {@code s}, equals the key's {@code
 * r} result bits. A lookup recomputes that XOR ({@code r} parities of 128-bit ANDs) and compares;
 * an absent key matches all {@code r} bits with probability {@code 2^-r}, which is the expected
 * false-positive rate. Space is {@code r·m} bits, about {@code r·(1 + ε)} per key, where a Bloom
 * filter needs about {@code 1.44·log2(1/fpr)} plus its blocking penalty.
 *
 * <p>Width: 128-bit coefficient rows (two longs), as RocksDB's Standard128Ribbon. With width 64 the
 * slack needed to band 1M keys was 9–12% and still failed often; at 128 it is 5% (see {@link
 * #slots}), which is what buys the 25–30% saving over {@code bloom}.
 *
 * <p>Construction solves the linear system over GF(2) in two passes:
 *
 * <ol>
 *   <li><b>Banding</b> (on-the-fly Gaussian elimination): each key's row {@code (s, c, result)},
 *       with bit 0 of {@code c} forced to 1, is inserted at slot {@code s}; if the slot holds a row
 *       already, the two are XORed, the coefficient shifted past its new lowest set bit and the
 *       insert continues further right. Because coefficients are 128 bits wide and start at their
 *       own slot, the result is an upper-triangular band matrix of width 128. A row that reduces to
 *       {@code c = 0} with non-zero result is a contradiction: construction fails.
 *   <li><b>Back-substitution</b> from the last slot to the first, each solution row computed from
 *       the 127 after it (kept in a 128-bit shift register per result column).
 * </ol>
 *
 * <p>Failure is rare with enough slack {@code ε} (see {@link #slots}); on failure the builder
 * retries with the next hash seed (a cheap remix of the stored key hashes, recorded in the header)
 * and, after every 4 failures, 10% more slack, so it always terminates.
 *
 * <p>Layout: interleaved column-major, as in the paper and RocksDB. Slots are grouped in blocks of
 * 64; each block stores {@code r} 64-bit words, word {@code j} holding column {@code j} of the
 * block's 64 solution rows. A query's 128-slot window spans at most three adjacent blocks, i.e.
 * {@code 3r} consecutive words (168 bytes for {@code r = 7}), where a column-per-array layout would
 * touch {@code 2r} separate cache lines and a row-major one would need per-row bit extraction.
 *
 * <p>Result bits {@code r = ceil(log2(1/target))}, clamped to [1, 32]: integral, so the delivered
 * rate {@code 2^-r} is at or below the target (0.0078 for 0.01, 0.031 for 0.05). RocksDB's
 * fractional-bit variant (blocks with {@code r} and {@code r+1} columns) is not implemented.
 *
 * <p>Encoding: a {@link FilterHeader} (kind 'R', param1 = r, param2 = 128) then {@code numBlocks ·
 * r} little-endian 64-bit words; see {@code docs/format/filters.md}.
 *
 * <p>Thread safety: the policy is stateless; readers are immutable.
 */
public final class RibbonFilterPolicy implements FilterPolicy {
  static final byte KIND = 'R';
  static final int WIDTH = 128;
  static final int BLOCK_SLOTS = 64;
  static final int MAX_RESULT_BITS = 32;

  /**
   * Seeds tried before giving up; each retry also adds 10% slack (1.1^63 = 400 times the slack at
   * the last), so this is unreachable.
   */
  static final int MAX_ATTEMPTS = 64;

  /** Creates the policy (ServiceLoader does this). */
  public RibbonFilterPolicy() {}

  @Override
  public String name() {
    return "ribbon";
  }

  @Override
  public Builder builder(double falsePositiveRate) {
    return new RibbonBuilder(resultBits(HashingBuilder.checkRate(falsePositiveRate)), 1.0);
  }

  @Override
  public double expectedFalsePositiveRate(double target) {
    return Math.scalb(1.0, -resultBits(HashingBuilder.checkRate(target)));
  }

  /** Result bits per key for a target: the fewest whose rate {@code 2^-r} is at most the target. */
  static int resultBits(double target) {
    // The tolerance keeps exact powers of two (0.25 -> 2) from rounding up on float noise.
    // StrictMath throughout sizing: the same keys give the same bytes on every JVM.
    int r = (int) Math.ceil(-StrictMath.log(target) / StrictMath.log(2) - 1e-9);
    return Math.max(1, Math.min(MAX_RESULT_BITS, r));
  }

  /**
   * Number of slots for {@code n} keys on attempt {@code attempt}, a multiple of 64. The slack
   * {@code ε(n) = log2(n) / 400} (2.5% at 1 000 keys, 4.2% at 100 000, 5% at 1 000 000) follows the
   * paper's observation that Standard Ribbon needs slack growing with {@code log n} for a fixed
   * width; the constant comes from measured banding failures at width 128 (0/20 failures at 100k
   * keys with 3%, 0/4 at 1M with 5%; see docs/format/filters.md). One extra window of 127 slots
   * lets the last starts keep their full 128-bit coefficient.
   */
  static long slots(int n, int attempt) {
    return slots(n, attempt, 1.0);
  }

  /** {@link #slots(int, int)} with the slack scaled by {@code slackScale} (tests force retries). */
  static long slots(int n, int attempt, double slackScale) {
    if (n == 0) {
      return 0;
    }
    double overhead =
        slackScale
            * Math.max(1, StrictMath.log(n) / StrictMath.log(2))
            / 400
            * StrictMath.pow(1.1, attempt);
    return (long) Math.ceil((n * (1 + overhead) + WIDTH - 1) / BLOCK_SLOTS) * BLOCK_SLOTS;
  }

  @Override
  public Reader reader(byte[] filter) {
    FilterHeader h = FilterHeader.parse(filter, KIND, name());
    int r = h.param1();
    if (r < 1 || r > MAX_RESULT_BITS) {
      throw new IllegalArgumentException(
          "ribbon filter header: result bits " + r + " outside [1, " + MAX_RESULT_BITS + "]");
    }
    if (h.param2() != WIDTH) {
      throw new IllegalArgumentException(
          "ribbon filter header: coefficient width " + h.param2() + ", expected " + WIDTH);
    }
    if (h.numBlocks() == 1) {
      // A non-empty ribbon needs room for one full 128-slot window; the builder never writes 1.
      throw new IllegalArgumentException(
          "ribbon filter header: 1 block of " + BLOCK_SLOTS + " slots is narrower than one row");
    }
    h.checkLength(filter, 8L * r, name());
    long[] words = new long[h.numBlocks() * r];
    for (int i = 0; i < words.length; i++) {
      words[i] = Coding.getLong(filter, FilterHeader.LENGTH + 8 * i);
    }
    return new RibbonReader(words, h.numBlocks(), r, h.seed());
  }

  /**
   * The remixed hash a key's equation (start slot, 128-bit coefficient, result bits) is derived
   * from under a seed. This and the three derivations below are shared by builder and reader so the
   * two cannot drift.
   */
  static long mix(long hash, long seed) {
    return KeyHash.remix(hash, seed);
  }

  /** Start slot of a remixed hash: its high 32 bits mapped onto {@code [0, starts)}. */
  static int start(long x, long starts) {
    return KeyHash.fastRange(x >>> 32, starts);
  }

  /**
   * Low 64 bits of a remixed hash's coefficient: a second avalanche, so it is unrelated to start
   * and result; bit 0 is forced so the row has a pivot at its start slot.
   */
  static long coefficientLow(long x) {
    return KeyHash.avalanche(x ^ KeyHash.K2) | 1L;
  }

  /** High 64 bits of the coefficient: a third, independent avalanche. */
  static long coefficientHigh(long x) {
    return KeyHash.avalanche(x ^ KeyHash.K1);
  }

  /**
   * Result bits of a remixed hash: its low {@code r} bits (independent of the start's high bits).
   */
  static int result(long x, int r) {
    return r == 32 ? (int) x : (int) x & ((1 << r) - 1);
  }

  /** Collects key hashes, then bands with seed 0, 1, ... until a seed succeeds. */
  static final class RibbonBuilder extends HashingBuilder {
    private final int r;
    private final double slackScale;

    RibbonBuilder(int r, double slackScale) {
      this.r = r;
      this.slackScale = slackScale;
    }

    @Override
    public byte[] finish() {
      long[] hashes = take();
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        long m = slots(hashes.length, attempt, slackScale);
        if (m > Integer.MAX_VALUE - 8
            || (m / BLOCK_SLOTS) * r * 8L + FilterHeader.LENGTH > Integer.MAX_VALUE - 8) {
          throw new IllegalStateException(
              "ribbon filter for " + hashes.length + " keys would exceed the maximum array size");
        }
        long seed = attempt;
        long[] solution = solve(hashes, (int) m, r, seed);
        if (solution != null) {
          return encode(solution, (int) (m / BLOCK_SLOTS), r, seed);
        }
      }
      throw new IllegalStateException(
          "ribbon construction failed " + MAX_ATTEMPTS + " times for " + hashes.length + " keys");
    }

    private static byte[] encode(long[] solution, int numBlocks, int r, long seed) {
      byte[] out = new byte[FilterHeader.LENGTH + solution.length * 8];
      new FilterHeader(KIND, FilterHeader.VERSION, r, WIDTH, numBlocks, seed).writeTo(out);
      for (int i = 0; i < solution.length; i++) {
        Coding.putLong(out, FilterHeader.LENGTH + 8 * i, solution[i]);
      }
      return out;
    }
  }

  /**
   * Bands and back-substitutes; returns the interleaved solution words, or null if the system is
   * inconsistent under this seed and size.
   */
  static long[] solve(long[] hashes, int m, int r, long seed) {
    // Row i's coefficient covers slots i .. i+127: bits 0-63 in lo[i], 64-127 in hi[i].
    long[] lo = new long[m];
    long[] hi = new long[m];
    int[] results = new int[m];
    long starts = m == 0 ? 0 : m - WIDTH + 1;
    for (long hash : hashes) {
      long x = mix(hash, seed);
      int s = start(x, starts);
      long cLo = coefficientLow(x);
      long cHi = coefficientHigh(x);
      int res = result(x, r);
      // Invariant: bit 0 of cLo is set, and the row's highest bit lies at slot s + 127 < m or
      // before, because every step only clears low bits and shifts right by as many slots.
      while (true) {
        if (lo[s] == 0) { // stored rows always have bit 0 set, so 0 means empty
          lo[s] = cLo;
          hi[s] = cHi;
          results[s] = res;
          break;
        }
        cLo ^= lo[s];
        cHi ^= hi[s];
        res ^= results[s];
        if (cLo != 0) {
          int shift = Long.numberOfTrailingZeros(cLo);
          if (shift != 0) {
            cLo = (cLo >>> shift) | (cHi << (64 - shift));
            cHi >>>= shift;
            s += shift;
          }
        } else if (cHi != 0) {
          int shift = Long.numberOfTrailingZeros(cHi);
          cLo = cHi >>> shift;
          cHi = 0;
          s += 64 + shift;
        } else if (res != 0) {
          return null; // contradiction: retry with another seed
        } else {
          break; // redundant: a duplicate key, or an equation implied by earlier ones
        }
      }
    }
    int numBlocks = m / BLOCK_SLOTS;
    long[] solution = new long[numBlocks * r];
    // Column by column, so the sliding window of the 128 solution rows after row i (bit k = row
    // i + k) stays in two registers, and each block's word is written once.
    for (int j = 0; j < r; j++) {
      long windowLo = 0;
      long windowHi = 0;
      for (int block = numBlocks - 1; block >= 0; block--) {
        long word = 0;
        for (int i = block * BLOCK_SLOTS + BLOCK_SLOTS - 1; i >= block * BLOCK_SLOTS; i--) {
          windowHi = (windowHi << 1) | (windowLo >>> 63);
          windowLo <<= 1;
          long cLo = lo[i];
          // An empty slot is a free variable: 0 is as good as any value.
          long bit =
              cLo == 0
                  ? 0
                  : (Long.bitCount((cLo & windowLo) ^ (hi[i] & windowHi)) ^ (results[i] >>> j)) & 1;
          windowLo |= bit;
          word = (word << 1) | bit;
        }
        solution[block * r + j] = word;
      }
    }
    return solution;
  }

  /**
   * A decoded ribbon filter. Invariants: {@code words.length == r * numBlocks}; never modified
   * after construction.
   */
  private static final class RibbonReader implements Reader {
    private final long[] words;
    private final int numBlocks;
    private final int r;
    private final long seed;
    private final long starts;

    RibbonReader(long[] words, int numBlocks, int r, long seed) {
      this.words = words;
      this.numBlocks = numBlocks;
      this.r = r;
      this.seed = seed;
      this.starts = numBlocks == 0 ? 0 : (long) numBlocks * BLOCK_SLOTS - WIDTH + 1;
    }

    @Override
    public boolean mayContain(byte[] key) {
      if (numBlocks == 0) {
        return false;
      }
      long x = mix(KeyHash.hash64(key), seed);
      int s = start(x, starts);
      int res = result(x, r);
      long cLo = coefficientLow(x);
      long cHi = coefficientHigh(x);
      int offset = s & 63;
      int base = (s >>> 6) * r;
      for (int j = 0; j < r; j++) {
        long w0 = words[base + j];
        long w1 = words[base + r + j];
        long wLo;
        long wHi;
        if (offset == 0) {
          wLo = w0;
          wHi = w1;
        } else {
          // s + 127 < m, so an unaligned window's third block exists.
          long w2 = words[base + 2 * r + j];
          wLo = (w0 >>> offset) | (w1 << (64 - offset));
          wHi = (w1 >>> offset) | (w2 << (64 - offset));
        }
        if (((Long.bitCount((wLo & cLo) ^ (wHi & cHi)) ^ (res >>> j)) & 1) != 0) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "RibbonFilter[blocks=" + numBlocks + ", resultBits=" + r + "]";
    }
  }
}
