package io.kiwidb.memtable.redblack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  @Test
  void rejectsASequenceAlreadyPresentForTheSameKey() {
    RedBlackTreeMemTable t = new RedBlackTreeMemTable();
    t.add(new byte[] {1}, 5, EntryKind.PUT, new byte[] {1});
    assertThrows(
        IllegalArgumentException.class, () -> t.add(new byte[] {1}, 5, EntryKind.DELETE, null));
    assertEquals(1, t.entryCount());
  }
}
