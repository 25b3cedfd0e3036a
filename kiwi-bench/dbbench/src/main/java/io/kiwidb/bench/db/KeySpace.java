package io.kiwidb.bench.db;

import java.util.SplittableRandom;

/**
 * Keys and values for the workloads.
 *
 * <p>Key {@code i} of the key space is the number {@code 2i}, laid out as db_bench lays out its
 * keys: 8 bytes big-endian, then {@code '0'} bytes up to the key size (or, with {@code decimal}, as
 * zero-padded decimal text). Either way byte order is numeric order for both engines' bytewise
 * comparators. A missing key is the odd number {@code 2i + 1}: it falls between present keys, so
 * neither engine can rule it out by a table's key range and the filters have to do the work
 * (db_bench's {@code readmissing} appends a byte instead, with the same effect).
 *
 * <p>The layout matters: with decimal text the first 8 bytes of every key are {@code "00000000"}
 * for key spaces below 10^8, which defeats any comparison shortcut on a key prefix.
 *
 * <p>Values are slices of a buffer of random printable bytes in which each value-sized piece is
 * half random and half a repeat of it, so they compress about 2:1 (db_bench's {@code
 * compression_ratio=0.5}).
 *
 * <p>Thread safety: immutable after construction; the {@code fill*} methods write only into the
 * caller's arrays.
 */
final class KeySpace {
  /** 1 MiB of values, as db_bench's value generator. */
  private static final int BUFFER_BYTES = 1 << 20;

  private final int num;
  private final int keySize;
  private final boolean decimal;
  private final int valueSize;
  private final byte[] valueData;

  KeySpace(int num, int keySize, boolean decimal, int valueSize, long seed) {
    if (keySize < 12) {
      throw new IllegalArgumentException("key size must be at least 12 bytes, got " + keySize);
    }
    this.num = num;
    this.keySize = keySize;
    this.decimal = decimal;
    this.valueSize = valueSize;
    this.valueData = valueBuffer(Math.max(valueSize, 1), seed);
  }

  int num() {
    return num;
  }

  int keySize() {
    return keySize;
  }

  int valueSize() {
    return valueSize;
  }

  /** Writes present key {@code i} into {@code out} (of {@link #keySize()} bytes). */
  void presentKey(long i, byte[] out) {
    encode(2 * i, out);
  }

  /** Writes the missing key after present key {@code i} into {@code out}. */
  void missingKey(long i, byte[] out) {
    encode(2 * i + 1, out);
  }

  private void encode(long v, byte[] out) {
    if (decimal) {
      decimal(v, out);
    } else {
      binary(v, out);
    }
  }

  /** db_bench's layout: 8 bytes big-endian, then {@code '0'} padding. */
  static void binary(long v, byte[] out) {
    for (int p = 0; p < 8; p++) {
      out[p] = (byte) (v >>> (56 - 8 * p));
    }
    for (int p = 8; p < out.length; p++) {
      out[p] = '0';
    }
  }

  /** A new key array. */
  byte[] newKey() {
    return new byte[keySize];
  }

  /** A new value array. */
  byte[] newValue() {
    return new byte[valueSize];
  }

  /** Fills {@code out} with the value at a random offset of the value buffer. */
  void fillValue(SplittableRandom random, byte[] out) {
    fillValueAt(valueOffset(random), out);
  }

  /** A random offset into the value buffer: the one draw {@link #fillValue} takes. */
  int valueOffset(SplittableRandom random) {
    return random.nextInt(valueData.length - valueSize + 1);
  }

  /** Key plus value bytes of one entry. */
  long entryBytes() {
    return (long) keySize + valueSize;
  }

  /** Fills {@code out} with the value at {@code offset} of the value buffer. */
  void fillValueAt(int offset, byte[] out) {
    System.arraycopy(valueData, offset, out, 0, valueSize);
  }

  /** Zero-padded decimal, most significant digit first. */
  static void decimal(long v, byte[] out) {
    if (v < 0) {
      throw new IllegalArgumentException("negative key number " + v);
    }
    long x = v;
    for (int p = out.length - 1; p >= 0; p--) {
      out[p] = (byte) ('0' + (int) (x % 10));
      x /= 10;
    }
    if (x != 0) {
      throw new IllegalArgumentException(v + " does not fit in a " + out.length + "-byte key");
    }
  }

  private static byte[] valueBuffer(int valueSize, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] data = new byte[BUFFER_BYTES + valueSize];
    int half = Math.max(1, valueSize / 2);
    for (int off = 0; off < data.length; off += valueSize) {
      int end = Math.min(data.length, off + valueSize);
      for (int i = off; i < end; i++) {
        data[i] = i - off < half ? (byte) (' ' + random.nextInt(95)) : data[off + (i - off) % half];
      }
    }
    return data;
  }
}
