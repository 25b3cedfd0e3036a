package io.kiwidb.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.MemTableContract;
import io.kiwidb.testkit.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memtable contract for {@code arena}, plus checks of the arena's own layout. */
class ArenaSkipListMemTableTest extends MemTableContract {
  @Override
  protected MemTableFactory factory() {
    return new ArenaSkipListMemTableFactory();
  }

  /**
   * Entries of every size class: one-byte keys, keys around the 8-byte word (7, 8, 9) and longer
   * ones up to the largest, values of every length modulo 8 that fill the small first chunks, need
   * a new shared chunk larger than the next doubling, or a dedicated chunk, and the largest key.
   * Each reads back exactly, in order, from gets and from both iteration directions.
   */
  @Test
  void entriesOfEverySizeClassReadBackExactly(SeededRandom random) {
    readBackEverySizeClass(random, new ArenaSkipListMemTable(random.nextLong()));
  }

  /** The same with 64-byte chunks and a one-slot chunk table: a chunk per node, a table growing. */
  @Test
  void entriesOfEverySizeClassReadBackExactlyFromTinyChunks(SeededRandom random) {
    readBackEverySizeClass(random, new ArenaSkipListMemTable(random.nextLong(), 8, 8, 1));
  }

  private static void readBackEverySizeClass(SeededRandom random, ArenaSkipListMemTable t) {
    int[] keyLengths = {1, 7, 8, 9, 127, 128, 16383, 16384, 65535};
    int[] valueLengths = {
      -1,
      0,
      1,
      126,
      127,
      128,
      8000,
      20_000,
      8 * ArenaSkipListMemTable.DEDICATED_BODY_WORDS - 40,
      8 * ArenaSkipListMemTable.DEDICATED_BODY_WORDS + 1,
      3 << 20
    };
    List<InternalEntry> added = new ArrayList<>();
    long seq = 1;
    for (int k : keyLengths) {
      for (int v : valueLengths) {
        byte[] key = random.bytes(k);
        key[0] = (byte) added.size(); // distinct and in a known order
        byte[] value = v < 0 ? null : random.bytes(v);
        EntryKind kind = value == null ? EntryKind.DELETE : EntryKind.PUT;
        t.add(key, seq, kind, value);
        added.add(new InternalEntry(key, seq, kind, value));
        seq++;
      }
    }
    for (InternalEntry e : added) {
      InternalEntry got = t.get(e.key(), Long.MAX_VALUE >>> 8);
      assertArrayEquals(e.key(), got.key());
      assertEquals(e.seq(), got.seq());
      assertEquals(e.kind(), got.kind());
      assertArrayEquals(e.value(), got.value());
    }
    try (InternalIterator it = t.iterator()) {
      int i = 0;
      for (it.seekToFirst(); it.isValid(); it.next(), i++) {
        assertEntry(added.get(i), it);
      }
      assertEquals(added.size(), i);
      for (it.seekToLast(); it.isValid(); it.prev()) {
        assertEntry(added.get(--i), it);
      }
      assertEquals(0, i);
    }
    assertNull(t.get(new byte[] {(byte) 0xff, 1, 2}, Long.MAX_VALUE >>> 8));
  }

  private static void assertEntry(InternalEntry expected, InternalIterator it) {
    assertArrayEquals(expected.key(), it.key());
    assertEquals(expected.seq(), it.seq());
    assertEquals(expected.kind(), it.kind());
    assertArrayEquals(expected.value(), it.value());
  }

  /**
   * The charge per entry is the node's real size: with 16-byte keys and 100-byte values a node is
   * 17 words at height 1 (tag, lengths, and 116 key and value bytes in 15 words) plus 8 bytes per
   * link, far below the 195.5 bytes the object-per-node skip list retains for the same entry.
   */
  @Test
  void chargesTheNodeBytesOfEachEntry() {
    ArenaSkipListMemTable t = new ArenaSkipListMemTable(42);
    long before = t.sizeBytes();
    int n = 10_000;
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[16];
      key[0] = (byte) (i >>> 8);
      key[1] = (byte) i;
      key[15] = (byte) (i >>> 16);
      t.add(key, i + 1, EntryKind.PUT, new byte[100]);
    }
    double perEntry = (t.sizeBytes() - before) / (double) n;
    // 136 body bytes + 8 x the mean height (4/3 with p = 1/4), plus the chunk table growing.
    assertTrue(perEntry > 144 && perEntry < 150, "bytes per entry " + perEntry);
    assertEquals(136 + Math.round(8 * 4.0 / 3), t.sortedEntryBytes(new byte[16], new byte[100]));
  }
}
