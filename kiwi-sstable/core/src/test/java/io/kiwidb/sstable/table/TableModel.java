package io.kiwidb.sstable.table;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.KeyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** Random internal entries and the answers a table must give for them, from a sorted list. */
final class TableModel {
  static final Comparator<InternalEntry> ORDER =
      (a, b) -> KeyOrder.compareInternal(a.key(), a.seq(), b.key(), b.seq());

  final List<InternalEntry> entries;
  final long maxSeq;

  TableModel(List<InternalEntry> entries) {
    this.entries = new ArrayList<>(entries);
    this.entries.sort(ORDER);
    this.maxSeq = entries.stream().mapToLong(InternalEntry::seq).max().orElse(0);
  }

  /**
   * Keys with shared prefixes and high (unsigned) bytes, several versions each, tombstones, empty
   * and big values. Sequence numbers are unique, as in the engine.
   */
  static TableModel random(Random r, int keys, int maxValue) {
    List<byte[]> prefixes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] p = new byte[r.nextInt(6)];
      r.nextBytes(p);
      prefixes.add(p);
    }
    TreeMap<byte[], Boolean> userKeys = new TreeMap<>(KeyOrder.USER_KEYS);
    while (userKeys.size() < keys) {
      byte[] p = prefixes.get(r.nextInt(prefixes.size()));
      byte[] k = Arrays.copyOf(p, p.length + r.nextInt(5));
      for (int i = p.length; i < k.length; i++) {
        k[i] = (byte) (r.nextBoolean() ? r.nextInt(256) : 'a' + r.nextInt(4));
      }
      userKeys.put(k, true);
    }
    List<InternalEntry> out = new ArrayList<>();
    long seq = 1;
    List<byte[]> ks = new ArrayList<>(userKeys.keySet());
    for (byte[] k : ks) {
      int versions = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
      for (int v = 0; v < versions; v++) {
        seq += 1 + r.nextInt(3);
        out.add(randomEntry(r, k, seq, maxValue));
      }
    }
    return new TableModel(out);
  }

  private static InternalEntry randomEntry(Random r, byte[] k, long seq, int maxValue) {
    if (r.nextInt(8) == 0) {
      return InternalEntry.delete(k, seq);
    }
    int len;
    int pick = r.nextInt(20);
    if (pick == 0) {
      len = 0;
    } else if (pick == 1) {
      len = maxValue; // bigger than a block
    } else {
      len = r.nextInt(40);
    }
    byte[] v = new byte[len];
    // Compressible half the time so lz4 gets used, random otherwise so it is skipped.
    if (r.nextBoolean()) {
      Arrays.fill(v, (byte) ('a' + r.nextInt(3)));
    } else {
      r.nextBytes(v);
    }
    return InternalEntry.put(k, seq, v);
  }

  /** The newest version of key with seq <= readSeq, or null. */
  InternalEntry get(byte[] key, long readSeq) {
    int i = ceiling(key, readSeq);
    if (i < entries.size() && Arrays.equals(entries.get(i).key(), key)) {
      return entries.get(i);
    }
    return null;
  }

  /** Index of the first entry >= (key, seq), or size(). */
  int ceiling(byte[] key, long seq) {
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      InternalEntry e = entries.get(mid);
      if (KeyOrder.compareInternal(e.key(), e.seq(), key, seq) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Index of the last entry <= (key, seq), or -1. */
  int floor(byte[] key, long seq) {
    int i = ceiling(key, seq);
    if (i < entries.size()) {
      InternalEntry e = entries.get(i);
      if (KeyOrder.compareInternal(e.key(), e.seq(), key, seq) == 0) {
        return i;
      }
    }
    return i - 1;
  }

  long tombstones() {
    return entries.stream().filter(e -> e.kind() == EntryKind.DELETE).count();
  }
}
