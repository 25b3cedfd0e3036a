package io.kiwidb.sstable.filter;

import io.kiwidb.api.spi.FilterPolicy;
import java.util.Arrays;

/**
 * A filter builder's memory: the 64-bit hash of every key added, not the keys themselves (8 bytes
 * per key whatever the key length), so a ribbon retry with a new seed needs no second pass over the
 * keys.
 *
 * <p>Thread safety: none; one builder per thread, as the SPI says. Invariants: {@code hashes[0,
 * count)} are the hashes in insertion order; {@code finished} is set by {@link #take()}.
 */
public abstract class HashingBuilder implements FilterPolicy.Builder {
  private long[] hashes = new long[64];
  private int count;
  private boolean finished;

  @Override
  public final void add(byte[] key) {
    if (finished) {
      throw new IllegalStateException("filter builder already finished");
    }
    if (count == hashes.length) {
      if (count == Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("too many keys for one filter: " + count);
      }
      hashes = Arrays.copyOf(hashes, (int) Math.min(Integer.MAX_VALUE - 8L, 2L * count));
    }
    hashes[count++] = KeyHash.hash64(key);
  }

  @Override
  public final int count() {
    return count;
  }

  /** The hashes of every key added, once; marks the builder finished. */
  protected final long[] take() {
    if (finished) {
      throw new IllegalStateException("filter builder already finished");
    }
    finished = true;
    long[] out = hashes.length == count ? hashes : Arrays.copyOf(hashes, count);
    hashes = null;
    return out;
  }

  /** Rejects a target rate outside (0, 1), naming it. */
  public static double checkRate(double falsePositiveRate) {
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new IllegalArgumentException(
          "falsePositiveRate must be in (0, 1), got " + falsePositiveRate);
    }
    return falsePositiveRate;
  }
}
