package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One block's cursor against a list of its entries: backward scans (which replay the entries kept
 * from the last restart scan) and random walks mixing seeks, next and prev.
 */
@ExtendWith(SeededRandomExtension.class)
class BlockCursorTest {
  private record E(byte[] key, long seq, byte[] value) {}

  private static List<E> entries(int n, SeededRandom random) {
    List<E> es = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] key = String.format("key%06d", i * 3).getBytes(StandardCharsets.US_ASCII);
      es.add(new E(key, 1000 - i, random.bytes(random.nextInt(40))));
    }
    return es;
  }

  private static Block block(List<E> es, int restartInterval) {
    BlockBuilder b = new BlockBuilder(restartInterval);
    for (E e : es) {
      long seqKind = (e.seq << 8) | EntryKind.PUT.code();
      b.add(e.key, seqKind, e.value, 0, e.value.length);
    }
    return Block.of(b.finish(), "test.sst", 0);
  }

  private static void assertAt(E expected, Block.Cursor c) {
    assertTrue(c.isValid());
    assertArrayEquals(expected.key, c.key());
    assertEquals(expected.seq, c.seq());
    assertArrayEquals(expected.value, c.value());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 16, 100})
  void backwardScanSeesEveryEntryInReverse(int restartInterval, SeededRandom random) {
    List<E> es = entries(1 + random.nextInt(80), random);
    Block.Cursor c = block(es, restartInterval).cursor();
    c.seekToLast();
    for (int i = es.size() - 1; i >= 0; i--) {
      assertAt(es.get(i), c);
      c.prev();
    }
    assertFalse(c.isValid());
    // The keys handed out stay intact after further moves (callers may keep them).
    c.seekToLast();
    byte[] last = c.key();
    c.prev();
    c.seekToFirst();
    assertArrayEquals(es.get(es.size() - 1).key, last);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 16})
  void randomWalksMatchTheEntryList(int restartInterval, SeededRandom random) {
    List<E> es = entries(50 + random.nextInt(50), random);
    Block.Cursor c = block(es, restartInterval).cursor();
    for (int walk = 0; walk < 200; walk++) {
      int pos = random.nextInt(es.size());
      c.seek(es.get(pos).key, es.get(pos).seq);
      for (int step = 0; step < 30 && pos >= 0 && pos < es.size(); step++) {
        assertAt(es.get(pos), c);
        if (random.nextInt(3) == 0) {
          c.next();
          pos++;
        } else {
          c.prev();
          pos--;
        }
      }
      if (pos < 0 || pos >= es.size()) {
        assertFalse(c.isValid());
      }
    }
  }
}
