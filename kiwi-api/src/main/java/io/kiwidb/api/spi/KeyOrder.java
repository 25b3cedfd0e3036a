package io.kiwidb.api.spi;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The orders every component agrees on.
 *
 * <p>User keys compare as unsigned bytes, lexicographically. Internal entries compare by user key
 * ascending, then sequence number descending: the newest version of a key sorts first, so a seek to
 * {@code (key, readSeq)} lands on the newest version visible at {@code readSeq}.
 */
public final class KeyOrder {
  /** The largest sequence number: 56 bits, so a sequence and an entry kind fit in 64 bits. */
  public static final long MAX_SEQUENCE = (1L << 56) - 1;

  /** User keys as unsigned bytes. */
  public static final Comparator<byte[]> USER_KEYS = Arrays::compareUnsigned;

  private KeyOrder() {}

  /** Compares user keys as unsigned bytes. */
  public static int compareKeys(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  /** Compares internal keys: user key ascending, then sequence descending. */
  public static int compareInternal(byte[] keyA, long seqA, byte[] keyB, long seqB) {
    int c = Arrays.compareUnsigned(keyA, keyB);
    return c != 0 ? c : Long.compare(seqB, seqA);
  }

  /**
   * Checks a sequence number.
   *
   * @throws IllegalArgumentException if it is negative or above {@link #MAX_SEQUENCE}
   */
  public static long checkSequence(long seq) {
    if (seq < 0 || seq > MAX_SEQUENCE) {
      throw new IllegalArgumentException(
          "sequence " + seq + " is outside [0, " + MAX_SEQUENCE + "]");
    }
    return seq;
  }
}
