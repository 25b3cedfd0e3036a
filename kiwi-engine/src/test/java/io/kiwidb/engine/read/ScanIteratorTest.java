package io.kiwidb.engine.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.testkit.ListInternalIterator;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class ScanIteratorTest {
  private static byte[] k(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  private static ScanIterator scan(List<InternalEntry> entries, long seq, byte[] lo, byte[] hi) {
    return new ScanIterator(new ListInternalIterator(entries), seq, lo, hi, call -> {}, () -> {});
  }

  /** The model: for each key, the newest version <= seq, if it is a value. */
  private static NavigableMap<byte[], byte[]> model(
      List<InternalEntry> entries, long seq, byte[] lo, byte[] hi) {
    NavigableMap<byte[], InternalEntry> newest = new TreeMap<>(KeyOrder.USER_KEYS);
    for (InternalEntry e : entries) {
      if (e.seq() <= seq) {
        newest.merge(e.key(), e, (a, b) -> a.seq() >= b.seq() ? a : b);
      }
    }
    NavigableMap<byte[], byte[]> live = new TreeMap<>(KeyOrder.USER_KEYS);
    newest.forEach(
        (key, e) -> {
          boolean inRange =
              (lo == null || KeyOrder.compareKeys(key, lo) >= 0)
                  && (hi == null || KeyOrder.compareKeys(key, hi) < 0);
          if (!e.isTombstone() && inRange) {
            live.put(key, e.value());
          }
        });
    return live;
  }

  @Test
  void hidesTombstonesShadowedAndFutureVersions() {
    List<InternalEntry> entries =
        List.of(
            InternalEntry.put(k(1), 1, k(10)),
            InternalEntry.put(k(1), 5, k(11)),
            InternalEntry.delete(k(2), 6),
            InternalEntry.put(k(2), 2, k(20)),
            InternalEntry.put(k(3), 9, k(30)));
    try (ScanIterator it = scan(entries, 6, null, null)) {
      it.seekToFirst();
      assertArrayEquals(k(1), it.key());
      assertArrayEquals(k(11), it.value());
      it.next();
      assertFalse(it.isValid(), "k2 is deleted at 6 and k3 is written after 6");
      it.seekToLast();
      assertArrayEquals(k(1), it.key());
    }
    try (ScanIterator it = scan(entries, 5, null, null)) {
      it.seekToLast();
      assertArrayEquals(k(2), it.key(), "at 5 the delete of k2 is not yet visible");
      assertArrayEquals(k(20), it.value());
    }
  }

  @Test
  void unsignedOrderAndBoundsFromAPrefix() {
    List<InternalEntry> entries = new ArrayList<>();
    int seq = 1;
    for (int[] key : new int[][] {{0x7f}, {0x80}, {0x80, 0}, {0x80, 0xff}, {0x81}, {0xff, 0xff}}) {
      entries.add(InternalEntry.put(k(key), seq++, k(seq)));
    }
    byte[][] b = ScanIterator.bounds(null, null, k(0x80));
    try (ScanIterator it = scan(entries, 100, b[0], b[1])) {
      List<String> keys = new ArrayList<>();
      for (it.seekToFirst(); it.isValid(); it.next()) {
        keys.add(Arrays.toString(it.key()));
      }
      assertEquals(List.of("[-128]", "[-128, 0]", "[-128, -1]"), keys);
    }
    assertEquals(null, ScanIterator.prefixSuccessor(k(0xff, 0xff)));
    assertArrayEquals(k(0x81), ScanIterator.prefixSuccessor(k(0x80, 0xff)));
  }

  @Test
  void closedIteratorFailsClearlyAndReleasesOnce() {
    AtomicInteger released = new AtomicInteger();
    ScanIterator it =
        new ScanIterator(
            new ListInternalIterator(List.of(InternalEntry.put(k(1), 1, k(1)))),
            1,
            null,
            null,
            call -> {},
            released::incrementAndGet);
    it.seekToFirst();
    it.close();
    it.close();
    assertEquals(1, released.get());
    assertFalse(it.isValid());
    assertThrows(EngineClosedException.class, it::seekToFirst);
  }

  @Test
  void randomWalksMatchTheModel(SeededRandom random) {
    for (int round = 0; round < 300; round++) {
      List<InternalEntry> entries = new ArrayList<>();
      int keys = 1 + random.nextInt(12);
      int versions = random.nextInt(40);
      for (int seq = 1; seq <= versions; seq++) {
        byte[] key = k(random.nextInt(keys) * 16);
        entries.add(
            random.nextInt(3) == 0
                ? InternalEntry.delete(key, seq)
                : InternalEntry.put(key, seq, k(seq)));
      }
      long readSeq = random.nextInt(versions + 2);
      byte[] lo = random.nextBoolean() ? null : k(random.nextInt(keys * 16));
      byte[] hi = random.nextBoolean() ? null : k(random.nextInt(keys * 16 + 1));
      NavigableMap<byte[], byte[]> model = model(entries, readSeq, lo, hi);
      try (ScanIterator it = scan(entries, readSeq, lo, hi)) {
        walk(random, it, model, keys * 16);
      }
    }
  }

  /** Random seeks and steps in both directions, each checked against the model. */
  private static void walk(
      SeededRandom random, ScanIterator it, NavigableMap<byte[], byte[]> model, int keySpace) {
    Map.Entry<byte[], byte[]> expected = null;
    for (int step = 0; step < 40; step++) {
      int op = random.nextInt(6);
      byte[] target = k(random.nextInt(keySpace + 1));
      switch (op) {
        case 0 -> {
          it.seekToFirst();
          expected = model.firstEntry();
        }
        case 1 -> {
          it.seekToLast();
          expected = model.lastEntry();
        }
        case 2 -> {
          it.seek(target);
          expected = model.ceilingEntry(target);
        }
        case 3 -> {
          it.seekForPrev(target);
          expected = model.floorEntry(target);
        }
        case 4 -> {
          if (!it.isValid()) {
            continue;
          }
          it.next();
          expected = model.higherEntry(expected.getKey());
        }
        default -> {
          if (!it.isValid()) {
            continue;
          }
          it.prev();
          expected = model.lowerEntry(expected.getKey());
        }
      }
      assertEquals(expected != null, it.isValid(), "op " + op + " validity");
      if (expected != null) {
        assertArrayEquals(expected.getKey(), it.key(), "op " + op + " key");
        assertArrayEquals(expected.getValue(), it.value(), "op " + op + " value");
      }
    }
  }
}
