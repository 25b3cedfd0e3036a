package io.kiwidb.sstable.table;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.Coding;
import java.util.Arrays;

/**
 * A table's index block decoded once into flat arrays: separator keys laid end to end, their
 * sequence numbers, and the data block handles they point to.
 *
 * <p>Why not search the encoded block: an index lookup is a binary search over every data block of
 * the table (16k entries for a 64 MiB table of 4 KiB blocks), and on the encoded block each probe
 * decoded three varints and the block handle was decoded again, into a fresh array, for the entry
 * found. That was a sixth of the time of a random seek. Here a probe is one unsigned range compare
 * ({@link Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}, vectorised by the JIT) and a
 * handle is two array reads. The index is decoded and checked when it enters the index cache, so
 * every handle is known to lie inside the data region and the separators are known to be in strict
 * internal order: a damaged index is reported when it is loaded, never used to answer.
 *
 * <p>Thread safety: immutable; shared through the block cache.
 */
final class IndexBlock {
  private final byte[] keys; // separator keys, end to end
  private final int[] keyEnd; // keyEnd[i] = end of key i in keys; key i starts at keyEnd[i - 1]
  private final long[] prefixes; // each key's first 8 bytes, big-endian, zero-padded
  private final long[] seqs;
  private final long[] blockOffsets;
  private final int[] blockSizes;
  private final int count;

  private IndexBlock(
      byte[] keys, int[] keyEnd, long[] seqs, long[] blockOffsets, int[] blockSizes, int count) {
    this.keys = keys;
    this.keyEnd = keyEnd;
    this.prefixes = new long[count];
    for (int i = 0; i < count; i++) {
      prefixes[i] = prefix(keys, i == 0 ? 0 : keyEnd[i - 1], keyEnd[i]);
    }
    this.seqs = seqs;
    this.blockOffsets = blockOffsets;
    this.blockSizes = blockSizes;
    this.count = count;
  }

  /**
   * Decodes an index block whose handles must end at or before {@code dataEnd} (the index block's
   * own offset).
   *
   * @throws CorruptionException naming the file and the index block's offset if an entry does not
   *     decode, a handle lies outside the data region, or the separators are out of order
   */
  static IndexBlock decode(Block block, long dataEnd) {
    int n = 0;
    int keyBytes = 0;
    Block.Cursor c = block.cursor();
    for (c.seekToFirst(); c.isValid(); c.next()) {
      n++;
      keyBytes += c.key().length;
    }
    byte[] keys = new byte[keyBytes];
    int[] keyEnd = new int[n];
    long[] seqs = new long[n];
    long[] offsets = new long[n];
    int[] sizes = new int[n];
    int i = 0;
    int at = 0;
    int[] pos = new int[1];
    for (c.seekToFirst(); c.isValid(); c.next(), i++) {
      byte[] k = c.key();
      if (i > 0 && compare(keys, keyEnd, seqs, i - 1, k, c.seq()) >= 0) {
        throw block.corrupt("index entry " + i + " is not after entry " + (i - 1));
      }
      System.arraycopy(k, 0, keys, at, k.length);
      at += k.length;
      keyEnd[i] = at;
      seqs[i] = c.seq();
      byte[] v = c.rawValue();
      pos[0] = 0;
      try {
        long offset = Coding.getVarLong(v, pos, v.length);
        int size = Coding.getVarInt(v, pos, v.length, Integer.MAX_VALUE);
        if (!TableReader.fitsBefore(offset, size, dataEnd)) {
          throw new IllegalArgumentException(
              "data block handle ["
                  + offset
                  + ", +"
                  + size
                  + "] runs past the data region ending at "
                  + dataEnd);
        }
        offsets[i] = offset;
        sizes[i] = size;
      } catch (IllegalArgumentException e) {
        throw block.corrupt("index block: " + e.getMessage(), e);
      }
    }
    return new IndexBlock(keys, keyEnd, seqs, offsets, sizes, n);
  }

  /** Number of data blocks. */
  int count() {
    return count;
  }

  /**
   * The first entry whose separator is at or after {@code (key, seq)} in internal order, or {@link
   * #count()} if there is none. Separator {@code i} is at or after every key of block {@code i} and
   * before every key of block {@code i + 1}, so this is the only block that can hold the target.
   */
  int find(byte[] key, long seq) {
    long p = prefix(key, 0, key.length);
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      // Most probes are decided by the 8-byte prefixes, which sit together in one array; only equal
      // prefixes need the keys themselves (a cache miss each in a large index).
      int c = Long.compareUnsigned(prefixes[mid], p);
      if (c == 0) {
        c = compare(keys, keyEnd, seqs, mid, key, seq);
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Separator {@code i} against {@code (key, seq)} in internal order, as a comparator would. */
  private static int compare(byte[] keys, int[] keyEnd, long[] seqs, int i, byte[] key, long seq) {
    int start = i == 0 ? 0 : keyEnd[i - 1];
    int c = Arrays.compareUnsigned(keys, start, keyEnd[i], key, 0, key.length);
    // Internal order: user key ascending, then sequence descending.
    return c != 0 ? c : Long.compare(seq, seqs[i]);
  }

  /**
   * The first 8 bytes of {@code b[from, to)} as a big-endian number, zero-padded. Unequal prefixes
   * order two keys exactly as an unsigned byte-wise compare would: at the first differing byte
   * either both keys have a real byte or the shorter one's padding 0 is below the other's byte.
   */
  static long prefix(byte[] b, int from, int to) {
    long x = 0;
    int end = Math.min(to, from + 8);
    for (int i = from; i < end; i++) {
      x = (x << 8) | (b[i] & 0xff);
    }
    return x << (8 * (8 - (end - from)));
  }

  /** Separator {@code i}'s user key, as a fresh array. */
  byte[] key(int i) {
    return Arrays.copyOfRange(keys, i == 0 ? 0 : keyEnd[i - 1], keyEnd[i]);
  }

  /** Separator {@code i}'s sequence number. */
  long seq(int i) {
    return seqs[i];
  }

  /** The handle of data block {@code i}. */
  BlockHandle handle(int i) {
    return new BlockHandle(blockOffsets[i], blockSizes[i]);
  }

  /** Data block {@code i}'s offset in the file: its identity in the block cache. */
  long blockOffset(int i) {
    return blockOffsets[i];
  }
}
