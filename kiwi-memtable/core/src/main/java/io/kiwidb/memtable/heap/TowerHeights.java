package io.kiwidb.memtable.heap;

import java.util.function.IntToLongFunction;

/**
 * Node heights for the two skip lists ({@code skiplist} and {@code arena}): p = 1/4 (LevelDB's
 * choice, fewer tall nodes than p = 1/2 for about the same number of comparisons per search),
 * capped at {@link #MAX_HEIGHT}.
 *
 * <p>Thread safety: an instance belongs to one writer; the static methods are pure.
 */
public final class TowerHeights {
  /** Enough levels for 4^20 entries with p = 1/4; far above any memtable's size. */
  public static final int MAX_HEIGHT = 20;

  private long state;

  /** A source of random heights seeded with {@code seed} (any value; 0 is replaced). */
  public TowerHeights(long seed) {
    this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
  }

  /** A height with P(h > k) = 4^-k, capped at {@link #MAX_HEIGHT} (xorshift, writer only). */
  public int next() {
    long x = state;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    state = x;
    int height = 1;
    while (height < MAX_HEIGHT && (x & 3) == 0) {
      height++;
      x >>>= 2;
    }
    return height;
  }

  /**
   * The height of the entry at 0-based {@code index} of a bulk load: 1 + t where 4^t is the largest
   * power of four dividing {@code index + 1}, capped. That gives exactly the proportions p = 1/4
   * gives on average (one node in four at level 1, one in sixteen at level 2, ...), evenly spaced,
   * so a later search does the same work as in a randomly built list.
   */
  public static int forPosition(int index) {
    return Math.min(1 + Integer.numberOfTrailingZeros(index + 1) / 2, MAX_HEIGHT);
  }

  /**
   * The expected value of {@code bytesAtHeight(h)} over the height distribution: what a node costs
   * on average, for the charge of a bulk-loaded entry.
   */
  public static double expected(IntToLongFunction bytesAtHeight) {
    double expected = 0;
    double pAtLeast = 1; // P(height >= h)
    for (int h = 1; h <= MAX_HEIGHT; h++) {
      double p = h == MAX_HEIGHT ? pAtLeast : pAtLeast * 0.75;
      expected += p * bytesAtHeight.applyAsLong(h);
      pAtLeast *= 0.25;
    }
    return expected;
  }
}
