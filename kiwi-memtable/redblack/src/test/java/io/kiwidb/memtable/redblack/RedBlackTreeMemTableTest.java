package io.kiwidb.memtable.redblack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.MemTableContract;
import io.kiwidb.testkit.SeededRandom;
import org.junit.jupiter.api.Test;

/** The memtable contract for {@code redblack}, plus the tree's own invariants. */
class RedBlackTreeMemTableTest extends MemTableContract {
  @Override
  protected MemTableFactory factory() {
    return new RedBlackTreeMemTableFactory();
  }

  @Test
  void staysBalancedUnderSortedAndRandomInserts(SeededRandom random) {
    RedBlackTreeMemTable sorted = new RedBlackTreeMemTable();
    RedBlackTreeMemTable shuffled = new RedBlackTreeMemTable();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      // Ascending keys are the worst case for an unbalanced tree.
      sorted.add(new byte[] {(byte) (i >>> 8), (byte) i}, i + 1, EntryKind.PUT, new byte[0]);
      shuffled.add(random.bytes(4), i + 1, EntryKind.DELETE, null);
      if (i % 997 == 0) {
        sorted.checkInvariants();
        shuffled.checkInvariants();
      }
    }
    int bound = 2 * (32 - Integer.numberOfLeadingZeros(n + 1));
    int h1 = sorted.checkInvariants();
    int h2 = shuffled.checkInvariants();
    // Black height h means depth <= 2h; both must be logarithmic.
    assertTrue(2 * h1 <= bound + 2, "sorted black height " + h1);
    assertTrue(2 * h2 <= bound + 2, "random black height " + h2);
  }

  /**
   * A bulk-built tree satisfies every red-black invariant for every size (complete and partial last
   * levels), its depth is minimal, and inserts after it keep it balanced.
   */
  @Test
  void bulkLoadBuildsAValidMinimalDepthTree(SeededRandom random) {
    for (int n = 0; n <= 600; n += n < 70 ? 1 : 53) {
      RedBlackTreeMemTable t = new RedBlackTreeMemTable();
      byte[][] keys = new byte[n][];
      long[] seqs = new long[n];
      byte[][] values = new byte[n][];
      for (int i = 0; i < n; i++) {
        keys[i] = new byte[] {(byte) (i >>> 8), (byte) i};
        seqs[i] = i + 1L;
        values[i] = i % 3 == 0 ? null : new byte[] {(byte) i};
      }
      t.addSorted(keys, seqs, values, n);
      int blackHeight = t.checkInvariants();
      // floor(log2(n + 1)) black nodes on every path, plus the null leaf.
      assertEquals(32 - Integer.numberOfLeadingZeros(n + 1), blackHeight, "black height, n=" + n);
      for (int i = 0; i < 50; i++) {
        t.add(random.bytes(3), n + 1 + i, EntryKind.PUT, new byte[0]);
      }
      t.checkInvariants();
      assertEquals(n + 50, t.entryCount());
    }
  }

  @Test
  void iteratorIsASnapshotOfTheTreeWhenCreated() {
    RedBlackTreeMemTable t = new RedBlackTreeMemTable();
    t.add(new byte[] {1}, 1, EntryKind.PUT, new byte[] {1});
    try (InternalIterator it = t.iterator()) {
      t.add(new byte[] {2}, 2, EntryKind.PUT, new byte[] {2});
      int n = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
      assertEquals(1, n);
    }
    assertEquals(2, t.entryCount());
  }
}
