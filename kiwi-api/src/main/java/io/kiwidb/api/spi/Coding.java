package io.kiwidb.api.spi;

/**
 * Little-endian fixed-width and LEB128 varint encoding shared by the on-disk formats. Decoders
 * check bounds and throw {@link IllegalArgumentException} on malformed input (callers turn it into
 * a corruption error naming the file and offset).
 *
 * <p>Thread safety: stateless.
 */
public final class Coding {
  private Coding() {}

  /** Writes a 32-bit little-endian int at {@code off}. */
  public static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }

  /** Reads a 32-bit little-endian int at {@code off}. */
  public static int getInt(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  /** Writes a 64-bit little-endian long at {@code off}. */
  public static void putLong(byte[] b, int off, long v) {
    putInt(b, off, (int) v);
    putInt(b, off + 4, (int) (v >>> 32));
  }

  /** Reads a 64-bit little-endian long at {@code off}. */
  public static long getLong(byte[] b, int off) {
    return (getInt(b, off) & 0xffffffffL) | ((long) getInt(b, off + 4) << 32);
  }

  /** The number of bytes {@link #putVarLong} writes for {@code v}. */
  public static int varLongSize(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * Writes {@code v} as an unsigned LEB128 varint at {@code off}.
   *
   * @return the offset after the varint
   */
  public static int putVarLong(byte[] b, int off, long v) {
    while ((v & ~0x7fL) != 0) {
      b[off++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[off++] = (byte) v;
    return off;
  }

  /**
   * Reads an unsigned LEB128 varint of at most 10 bytes starting at {@code pos[0]}, within {@code
   * [pos[0], limit)}, and advances {@code pos[0]}.
   *
   * @throws IllegalArgumentException if it runs past {@code limit} or is longer than 10 bytes
   */
  public static long getVarLong(byte[] b, int[] pos, int limit) {
    long result = 0;
    int p = pos[0];
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= limit) {
        throw new IllegalArgumentException("varint runs past the end at offset " + p);
      }
      int x = b[p++];
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        pos[0] = p;
        return result;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes at offset " + pos[0]);
  }

  /**
   * Reads a varint that must fit a non-negative int no larger than {@code max}.
   *
   * @throws IllegalArgumentException if it is malformed or out of range
   */
  public static int getVarInt(byte[] b, int[] pos, int limit, int max) {
    int start = pos[0];
    // One-byte varints (values below 128: every length in a block of small keys and values) are
    // the common case on the read path; skip the general loop for them.
    if (start < limit && start >= 0) {
      int x = b[start];
      if (x >= 0 && x <= max) {
        pos[0] = start + 1;
        return x;
      }
    }
    long v = getVarLong(b, pos, limit);
    if (v < 0 || v > max) {
      throw new IllegalArgumentException(
          "length " + v + " at offset " + start + " exceeds the limit " + max);
    }
    return (int) v;
  }
}
