package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeks in a data block and in a decoded index block land where a linear search of the sorted
 * entries says, for targets on, between, before and after the stored keys, with several versions
 * per key, short keys and keys sharing long prefixes (the index compares 8-byte prefixes first).
 */
@ExtendWith(SeededRandomExtension.class)
class BlockSeekTest {
  private record E(byte[] key, long seq) {}

  private static final Comparator<E> ORDER =
      (a, b) -> KeyOrder.compareInternal(a.key, a.seq, b.key, b.seq);

  private static byte[] randomKey(SeededRandom random) {
    // Few distinct bytes and lengths 0..12, so keys share prefixes, are prefixes of each other and
    // differ only past the 8th byte.
    byte[] k = new byte[random.nextInt(13)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) (random.nextInt(3) * 0x7f);
    }
    return k;
  }

  private static List<E> sortedEntries(SeededRandom random, int n) {
    TreeSet<E> set = new TreeSet<>(ORDER);
    while (set.size() < n) {
      set.add(new E(randomKey(random), 1 + random.nextInt(5)));
    }
    return new ArrayList<>(set);
  }

  /** The index of the first entry at or after the target, or the size. */
  private static int expected(List<E> es, byte[] key, long seq) {
    for (int i = 0; i < es.size(); i++) {
      if (KeyOrder.compareInternal(es.get(i).key, es.get(i).seq, key, seq) >= 0) {
        return i;
      }
    }
    return es.size();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 16, 1000})
  void dataBlockSeekLandsOnTheFirstEntryAtOrAfterTheTarget(
      int restartInterval, SeededRandom random) {
    for (int round = 0; round < 50; round++) {
      List<E> es = sortedEntries(random, 1 + random.nextInt(60));
      BlockBuilder b = new BlockBuilder(restartInterval);
      for (E e : es) {
        b.add(e.key, (e.seq << 8) | EntryKind.PUT.code(), e.key, 0, e.key.length);
      }
      Block block = Block.of(b.finish(), "test.sst", 0);
      Block.Cursor c = block.cursor();
      for (int probe = 0; probe < 40; probe++) {
        byte[] target = randomKey(random);
        long seq = random.nextInt(7);
        int want = expected(es, target, seq);
        c.seek(target, seq);
        if (want == es.size()) {
          assertFalse(c.isValid(), "seek past the last entry");
          continue;
        }
        assertArrayEquals(es.get(want).key, c.key());
        assertEquals(es.get(want).seq, c.seq());
        assertArrayEquals(es.get(want).key, c.value(), "value of the entry sought");
        if (want + 1 < es.size()) {
          c.next(); // the key buffer used by the seek must not leak into the following entry
          assertArrayEquals(es.get(want + 1).key, c.key());
        }
      }
    }
  }

  @Test
  void indexFindAgreesWithALinearSearch(SeededRandom random) {
    for (int round = 0; round < 50; round++) {
      List<E> es = sortedEntries(random, 1 + random.nextInt(200));
      IndexBlock index = IndexBlock.decode(indexBlock(es), 1L << 40);
      assertEquals(es.size(), index.count());
      for (int i = 0; i < es.size(); i++) {
        assertArrayEquals(es.get(i).key, index.key(i));
        assertEquals(es.get(i).seq, index.seq(i));
        assertEquals(new BlockHandle(1000L * i, 100 + i), index.handle(i));
      }
      for (int probe = 0; probe < 100; probe++) {
        byte[] target = randomKey(random);
        long seq = random.nextInt(7);
        assertEquals(expected(es, target, seq), index.find(target, seq));
      }
    }
  }

  @Test
  void prefixesOrderKeysAsByteWiseCompareDoesWhenTheyDiffer(SeededRandom random) {
    for (int i = 0; i < 10_000; i++) {
      byte[] a = randomKey(random);
      byte[] b = randomKey(random);
      int byPrefix =
          Long.compareUnsigned(
              IndexBlock.prefix(a, 0, a.length), IndexBlock.prefix(b, 0, b.length));
      if (byPrefix != 0) {
        assertEquals(Integer.signum(byPrefix), Integer.signum(KeyOrder.compareKeys(a, b)));
      }
    }
  }

  @Test
  void aDamagedIndexIsReportedWhenDecoded() {
    List<E> outOfOrder = List.of(new E(new byte[] {2}, 1), new E(new byte[] {1}, 1));
    CorruptionException e =
        assertThrows(
            CorruptionException.class, () -> IndexBlock.decode(indexBlock(outOfOrder), 1L << 40));
    assertEquals(
        true, e.getMessage().contains("index entry 1 is not after entry 0"), e.getMessage());
    List<E> one = List.of(new E(new byte[] {1}, 1));
    CorruptionException past =
        assertThrows(CorruptionException.class, () -> IndexBlock.decode(indexBlock(one), 50));
    assertEquals(true, past.getMessage().contains("runs past the data region"), past.getMessage());
  }

  /** An index block whose entry i points at a block of 100 + i bytes at offset 1000 i. */
  private static Block indexBlock(List<E> es) {
    BlockBuilder b = new BlockBuilder(TableFormat.INDEX_RESTART_INTERVAL);
    byte[] handle = new byte[20];
    for (int i = 0; i < es.size(); i++) {
      E e = es.get(i);
      int n = io.kiwidb.api.spi.Coding.putVarLong(handle, 0, 1000L * i);
      n = io.kiwidb.api.spi.Coding.putVarLong(handle, n, 100 + i);
      b.add(e.key, (e.seq << 8) | EntryKind.PUT.code(), handle, 0, n);
    }
    return Block.of(b.finish(), "test.sst", 0);
  }
}
