package io.kiwidb.memtable.arena;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.MemTableContract;
import io.kiwidb.testkit.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The memtable contract for {@code arena}, plus checks of the arena's own layout. */
class ArenaSkipListMemTableTest extends MemTableContract {
  @Override
  protected MemTableFactory factory() {
    return new ArenaSkipListMemTableFactory();
  }

  /**
   * Entries of every size class: one-byte keys, keys around the 8-byte prefix held in the index (7,
   * 8, 9), around a varint's one-byte limit (127, 128), and longer ones up to the largest; values
   * around the same limits, ones that fill the small first chunks, need a new payload chunk larger
   * than the next doubling, or an array of their own, and the largest key. Each reads back exactly,
   * in order, from gets and from both iteration directions.
   */
  @Test
  void entriesOfEverySizeClassReadBackExactly(SeededRandom random) {
    readBackEverySizeClass(random, new ArenaSkipListMemTable(random.nextLong()));
  }

  /**
   * The same with 64-byte chunks and one-slot chunk tables: a chunk per node or two, records above
   * 8 bytes in arrays of their own, the tables growing all the time.
   */
  @Test
  void entriesOfEverySizeClassReadBackExactlyFromTinyChunks(SeededRandom random) {
    readBackEverySizeClass(random, new ArenaSkipListMemTable(random.nextLong(), 64, 64, 1));
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
      ArenaSkipListMemTable.CHUNK_BYTES / 8 - 200,
      ArenaSkipListMemTable.CHUNK_BYTES / 8 + 1,
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
   * The charge per entry is the node's real size: with 16-byte keys and 100-byte values a node is 5
   * index ints (key prefix, tag, payload pointer) plus 4 bytes per link, and its record 110 bytes
   * (two one-byte varints, the key's last 8 bytes, the value): far below the 195.5 bytes the
   * object-per-node skip list retains for the same entry.
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
    // 130 bytes + 4 x the mean height (4/3 with p = 1/4), plus the chunk tables growing.
    assertTrue(perEntry > 134.5 && perEntry < 137, "bytes per entry " + perEntry);
    assertEquals(130 + Math.round(4 * 4.0 / 3), t.sortedEntryBytes(new byte[16], new byte[100]));
  }

  /**
   * Keys that share their first 8 bytes (as zero-padded decimal numbers do) are ordered by the
   * record, and keys shorter than 8 bytes by their zero-padded prefix and then their length: "a"
   * before "a\0" before "a\0\0...", and a key ending in zeros after the same key without them.
   */
  @Test
  void ordersKeysThatTieOnTheIndexPrefix(SeededRandom random) {
    ArenaSkipListMemTable t = new ArenaSkipListMemTable(random.nextLong());
    List<byte[]> keys = new ArrayList<>();
    for (int length = 1; length <= 20; length++) {
      keys.add(new byte[length]); // all zeros: each a prefix of the next
      byte[] a = new byte[length];
      a[0] = 'a';
      keys.add(a);
    }
    for (int i = 0; i < 200; i++) {
      keys.add(String.format("%016d", random.nextInt(1_000_000)).getBytes(UTF_8));
    }
    List<byte[]> distinct = new ArrayList<>();
    for (byte[] k : keys) {
      if (distinct.stream().noneMatch(d -> Arrays.equals(d, k))) {
        distinct.add(k);
      }
    }
    Collections.shuffle(distinct, new Random(random.nextLong()));
    long seq = 1;
    for (byte[] k : distinct) {
      t.add(k, seq++, EntryKind.PUT, k);
    }
    distinct.sort(Arrays::compareUnsigned);
    try (InternalIterator it = t.iterator()) {
      it.seekToFirst();
      for (byte[] k : distinct) {
        assertTrue(it.isValid());
        assertArrayEquals(k, it.key());
        assertArrayEquals(k, it.value());
        it.next();
      }
      assertFalse(it.isValid());
    }
    for (byte[] k : distinct) {
      assertArrayEquals(k, t.get(k, Long.MAX_VALUE >>> 8).value());
      byte[] longer = Arrays.copyOf(k, k.length + 1);
      if (distinct.stream().noneMatch(d -> Arrays.equals(d, longer))) {
        assertNull(t.get(longer, Long.MAX_VALUE >>> 8));
      }
    }
  }

  /**
   * Past the pointers' reach the arena refuses an entry with an error naming the cause, and what it
   * holds stays readable. Tiny chunks reach the 2048 payload chunks after about 2048 records.
   */
  @Test
  void aFullArenaRefusesEntriesAndKeepsWhatItHolds() {
    ArenaSkipListMemTable t = new ArenaSkipListMemTable(7, 64, 64, 1);
    int added = 0;
    IllegalStateException full = null;
    for (int i = 0; i < 100_000 && full == null; i++) {
      byte[] key = String.format("%09d", i).getBytes(UTF_8); // an 8-byte record, in the chunks
      try {
        t.add(key, i + 1, EntryKind.PUT, new byte[5]);
        added++;
      } catch (IllegalStateException e) {
        full = e;
      }
    }
    assertNotNull(full, "never full");
    assertTrue(full.getMessage().contains("8192 index chunks (8 GiB)"), full.getMessage());
    assertEquals(added, t.entryCount());
    assertTrue(added >= ArenaSkipListMemTable.MAX_INDEX_CHUNKS, "added " + added);
    for (int i = 0; i < added; i++) {
      byte[] key = String.format("%09d", i).getBytes(UTF_8);
      assertArrayEquals(new byte[5], t.get(key, Long.MAX_VALUE >>> 8).value());
    }
  }

  /**
   * Past the 2048 payload chunks, records go on in arrays of their own and nothing is refused: with
   * 256-byte chunks, 32-byte records fill the payload chunks after 16,384 entries, long before the
   * index (ten nodes per chunk) runs out.
   */
  @Test
  void recordsPastThePayloadChunksGoToArraysOfTheirOwn() {
    ArenaSkipListMemTable t = new ArenaSkipListMemTable(11, 256, 256, 1);
    int n = 8 * ArenaSkipListMemTable.MAX_PAYLOAD_CHUNKS + 4000;
    long sizeAtChunkLimit = 0;
    for (int i = 0; i < n; i++) {
      if (i == 8 * ArenaSkipListMemTable.MAX_PAYLOAD_CHUNKS) {
        sizeAtChunkLimit = t.sizeBytes();
      }
      // 9-byte key: two one-byte varints, one key byte past the prefix, 29 value bytes.
      byte[] key = String.format("%09d", i).getBytes(UTF_8);
      t.add(key, i + 1, EntryKind.PUT, value(i, 29));
    }
    assertEquals(n, t.entryCount());
    // Each later record is charged a whole array: header and padding on top of its 32 bytes.
    double perLate = (t.sizeBytes() - sizeAtChunkLimit) / 4000.0;
    assertTrue(perLate >= 4 * 6 + 48, "bytes per late entry " + perLate);
    for (int i = 0; i < n; i++) {
      byte[] key = String.format("%09d", i).getBytes(UTF_8);
      assertArrayEquals(value(i, 29), t.get(key, Long.MAX_VALUE >>> 8).value(), "key " + i);
    }
  }

  private static byte[] value(int i, int length) {
    byte[] v = new byte[length];
    Arrays.fill(v, (byte) i);
    v[0] = (byte) (i >>> 8);
    return v;
  }
}
