package io.kiwidb.sstable.filter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 64-bit key hash every filter in this package starts from.
 *
 * <p>Why our own: the hash is part of the on-disk filter formats, so it must never change under us
 * with a library upgrade, and keys are short (tens of bytes), where a simple one-lane design is as
 * fast as anything wider. Design: the state starts from the key length times an odd constant (so a
 * key and the same key with trailing zero bytes differ); each 8-byte little-endian word {@code w}
 * is folded in with {@code h = rotl(h ^ (w * K1), 31) * K2} (a bijection of {@code h} for a fixed
 * word and of {@code w} for a fixed state, so no two different words of one position collide); the
 * 1 to 7 trailing bytes form one last zero-padded word; a final 64-bit avalanche (xor-shift,
 * multiply, xor-shift, multiply, xor-shift) makes every input bit affect every output bit. The
 * filters then remix this hash with their own seed ({@link #remix}), so a filter that must retry
 * (ribbon) rehashes without touching the keys again.
 *
 * <p>Thread safety: stateless.
 */
public final class KeyHash {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // Odd constants with well-spread bits: 2^64 / golden ratio and two 64-bit primes.
  public static final long K0 = 0x9E3779B97F4A7C15L;
  public static final long K1 = 0xC2B2AE3D27D4EB4FL;
  public static final long K2 = 0x165667B19E3779F9L;

  private KeyHash() {}

  /** The 64-bit hash of {@code key}; stable across versions (pinned by tests). */
  public static long hash64(byte[] key) {
    int len = key.length;
    long h = (len + 1L) * K0;
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      long w = (long) LONG_LE.get(key, i);
      h = Long.rotateLeft(h ^ (w * K1), 31) * K2;
    }
    if (i < len) {
      long w = 0;
      for (int shift = 0; i < len; i++, shift += 8) {
        w |= (key[i] & 0xFFL) << shift;
      }
      h = Long.rotateLeft(h ^ (w * K1), 31) * K2;
    }
    return avalanche(h);
  }

  /** A seeded bijective remix of a key hash: different seeds give unrelated values. */
  public static long remix(long hash, long seed) {
    return avalanche(hash ^ (seed * K0 + K1));
  }

  /**
   * The 64-bit finaliser: xor-shift / multiply rounds so each input bit flips about half the
   * output.
   */
  public static long avalanche(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 29;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 32;
    return h;
  }

  /** Maps a 32-bit value uniformly onto {@code [0, n)} by multiply-shift (no division). */
  public static int fastRange(long hash32, long n) {
    return (int) (((hash32 & 0xFFFFFFFFL) * n) >>> 32);
  }
}
