package io.kiwidb.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sorts entries into internal key order (user key ascending as unsigned bytes, then sequence
 * descending) for a bulk load: a most-significant-window radix sort on 8-byte key windows.
 *
 * <p>Why not {@link Arrays#sort(Object[], java.util.Comparator)}: a comparison sort of a memtable's
 * worth of entries (a few hundred thousand) does about 20 comparisons per entry, each following two
 * references into keys scattered over the heap; that costs as much as the skip-list search that
 * bulk loading is there to avoid. Here the first 8 bytes of every key are read once into a {@code
 * long[]}, sorted with a stable least-significant-digit radix sort over those longs (8 counting
 * passes over two sequential arrays, passes whose byte is the same for every entry skipped), and
 * only entries whose windows tie are looked at again: a run of equal windows is sorted by the next
 * 8 bytes the same way while some key in it is longer, and finally by a comparison sort on the
 * whole key and the sequence (small runs, and versions of one key).
 *
 * <p>Zero padding of short keys keeps the order right: two keys whose windows differ compare like
 * the windows (a key that ends inside the window is a prefix of the other there, and smaller); keys
 * whose windows are all equal differ only in length or not at all, and the comparison sort decides
 * those.
 *
 * <p>Thread safety: stateless.
 */
final class InternalKeySort {
  /** Below this many entries a comparison sort is cheaper than 8 counting passes. */
  private static final int RADIX_MIN = 64;

  private static final int INSERTION_MAX = 16;

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private InternalKeySort() {}

  /**
   * The order of entries {@code [0, count)} in internal key order: {@code keys[order[0]]} at {@code
   * seqs[order[0]]} is the smallest. Equal (key, sequence) pairs keep no particular order; the bulk
   * load rejects them.
   */
  static int[] order(byte[][] keys, long[] seqs, int count) {
    int[] idx = new int[count];
    for (int i = 0; i < count; i++) {
      idx[i] = i;
    }
    Sorter s = new Sorter(keys, seqs, count);
    s.sort(idx, 0, count, 0);
    return idx;
  }

  /** The 8 key bytes from {@code offset} as an unsigned big-endian number, zero-padded. */
  static long window(byte[] key, int offset) {
    if (key.length >= offset + 8) {
      return (long) LONG_BE.get(key, offset);
    }
    long w = 0;
    for (int i = offset; i < offset + 8; i++) {
      w = (w << 8) | (i < key.length ? key[i] & 0xff : 0);
    }
    return w;
  }

  /** The scratch arrays of one sort. */
  private static final class Sorter {
    private final byte[][] keys;
    private final long[] seqs;
    private final int[] tmpIdx;
    private final long[] win;
    private final long[] tmpWin;
    private final int[][] counts = new int[8][256];

    Sorter(byte[][] keys, long[] seqs, int count) {
      this.keys = keys;
      this.seqs = seqs;
      this.tmpIdx = new int[count];
      this.win = new long[count];
      this.tmpWin = new long[count];
    }

    void sort(int[] idx, int from, int to, int offset) {
      if (to - from < RADIX_MIN) {
        mergeSort(idx, from, to);
        return;
      }
      for (int i = from; i < to; i++) {
        win[i] = window(keys[idx[i]], offset);
      }
      radix(idx, from, to);
      int start = from;
      for (int i = from + 1; i <= to; i++) {
        if (i < to && win[i] == win[start]) {
          continue;
        }
        if (i - start > 1) {
          if (anyLongerThan(idx, start, i, offset + 8)) {
            sort(idx, start, i, offset + 8); // leaves win[i..] alone
          } else {
            mergeSort(idx, start, i);
          }
        }
        start = i;
      }
    }

    private boolean anyLongerThan(int[] idx, int from, int to, int length) {
      for (int i = from; i < to; i++) {
        if (keys[idx[i]].length > length) {
          return true;
        }
      }
      return false;
    }

    /** Stable LSD radix sort of {@code idx[from, to)} by {@code win}, unsigned. */
    private void radix(int[] idx, int from, int to) {
      int n = to - from;
      for (int[] c : counts) {
        Arrays.fill(c, 0);
      }
      for (int i = from; i < to; i++) {
        long w = win[i];
        for (int d = 0; d < 8; d++) {
          counts[d][(int) (w >>> (8 * d)) & 0xff]++;
        }
      }
      int[] srcIdx = idx;
      int[] dstIdx = tmpIdx;
      long[] srcWin = win;
      long[] dstWin = tmpWin;
      for (int d = 0; d < 8; d++) {
        int shift = 8 * d;
        int[] c = counts[d];
        if (c[(int) (srcWin[from] >>> shift) & 0xff] == n) {
          continue; // every entry has the same byte here: the pass would change nothing
        }
        int pos = from;
        for (int b = 0; b < 256; b++) {
          int k = c[b];
          c[b] = pos;
          pos += k;
        }
        for (int i = from; i < to; i++) {
          long w = srcWin[i];
          int p = c[(int) (w >>> shift) & 0xff]++;
          dstWin[p] = w;
          dstIdx[p] = srcIdx[i];
        }
        int[] ti = srcIdx;
        srcIdx = dstIdx;
        dstIdx = ti;
        long[] tw = srcWin;
        srcWin = dstWin;
        dstWin = tw;
      }
      if (srcIdx != idx) {
        System.arraycopy(srcIdx, from, idx, from, n);
        System.arraycopy(srcWin, from, win, from, n);
      }
    }

    /** Sorts {@code idx[from, to)} by whole key and sequence, using {@code tmpIdx} there. */
    private void mergeSort(int[] idx, int from, int to) {
      if (to - from <= INSERTION_MAX) {
        for (int i = from + 1; i < to; i++) {
          int x = idx[i];
          int j = i - 1;
          while (j >= from && compare(idx[j], x) > 0) {
            idx[j + 1] = idx[j];
            j--;
          }
          idx[j + 1] = x;
        }
        return;
      }
      int mid = (from + to) >>> 1;
      mergeSort(idx, from, mid);
      mergeSort(idx, mid, to);
      if (compare(idx[mid - 1], idx[mid]) <= 0) {
        return;
      }
      System.arraycopy(idx, from, tmpIdx, from, to - from);
      int i = from;
      int j = mid;
      int k = from;
      while (i < mid && j < to) {
        idx[k++] = compare(tmpIdx[i], tmpIdx[j]) <= 0 ? tmpIdx[i++] : tmpIdx[j++];
      }
      while (i < mid) {
        idx[k++] = tmpIdx[i++];
      }
      while (j < to) {
        idx[k++] = tmpIdx[j++];
      }
    }

    private int compare(int a, int b) {
      int c = Arrays.compareUnsigned(keys[a], keys[b]);
      return c != 0 ? c : Long.compare(seqs[b], seqs[a]);
    }
  }
}
