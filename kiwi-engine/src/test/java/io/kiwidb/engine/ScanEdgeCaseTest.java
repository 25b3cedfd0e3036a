package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static io.kiwidb.engine.LsmEngineTest.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9: bounds, prefixes and reverse iteration at their edges: empty ranges, bounds outside the
 * data, bounds between keys, prefixes ending in {@code 0xff} (whose successor must carry) or made
 * only of {@code 0xff} (which have none), seeks outside the range, and direction changes at both
 * ends. Every combination of a small set of bounds and prefixes is checked against the expected key
 * list, with the data in the memtable, in tables, or split between them with tombstones on top.
 */
class ScanEdgeCaseTest {
  /** Where the data lives when the scans run. */
  enum Layout {
    MEMTABLE,
    TABLES,
    MIXED
  }

  private static final String[] LIVE = {
    "00", "0000", "61", "61ff", "61ffff", "62", "6200", "ff", "ff00", "ffff", "ffffff"
  };
  private static final String[] DELETED = {"01", "61fe", "fe", "ffff00", "ffffffff"};

  private LsmEngine engine;

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
  }

  private void load(Layout layout) {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    writeConfig(fs, ROOT, Map.of("max_memtable_entries", 1000, "l0_compaction_threshold", 2));
    engine = LsmEngine.open(fs, ROOT, null);
    List<String> all = new ArrayList<>(Arrays.asList(LIVE));
    all.addAll(Arrays.asList(DELETED));
    for (int i = 0; i < all.size(); i++) {
      String k = all.get(i);
      engine.put(Bytes.fromHex(k), value(k));
      if (layout == Layout.MIXED && i % 2 == 0) {
        engine.flush();
      }
    }
    if (layout == Layout.TABLES) {
      engine.flush();
    }
    for (String k : DELETED) {
      engine.delete(Bytes.fromHex(k));
    }
    if (layout == Layout.TABLES) {
      engine.flush();
    }
    if (layout != Layout.MEMTABLE) {
      await("flushes to finish", () -> engine.stats().immutableQueueLen() == 0);
    }
  }

  private static byte[] value(String hexKey) {
    return ("value-of-" + hexKey).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The live keys a scan with these options must return, in order. */
  private static NavigableSet<String> expected(ScanOptions o) {
    NavigableSet<String> keys = new TreeSet<>((a, b) -> Arrays.compareUnsigned(hex(a), hex(b)));
    for (String k : LIVE) {
      if (o.contains(hex(k))) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static byte[] hex(String h) {
    return Bytes.fromHex(h);
  }

  private static List<String> forward(KiwiIterator it) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      assertEquals(new String(value(Bytes.hex(it.key())), UTF_8), new String(it.value(), UTF_8));
      out.add(Bytes.hex(it.key()));
    }
    return out;
  }

  private static List<String> backward(KiwiIterator it) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); it.prev()) {
      out.add(Bytes.hex(it.key()));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Layout.class)
  void everyBoundAndPrefixCombinationMatchesTheExpectedKeys(Layout layout) {
    load(layout);
    // Bounds on keys, between keys, below and above all data; prefixes at the 0xff edge.
    String[] bounds = {null, "00", "0001", "61", "61ff00", "62", "fe", "ff", "ffff", "ffffffff00"};
    String[] prefixes = {null, "", "00", "61", "61ff", "62", "ff", "ffff", "ffffff", "7f"};
    String[] targets = {"00", "01", "61ff", "62", "ff", "ffff01", "ffffffffff"};
    int combinations = 0;
    for (String lo : bounds) {
      for (String hi : bounds) {
        for (String pre : prefixes) {
          ScanOptions o =
              new ScanOptions(
                  lo == null ? null : hex(lo),
                  hi == null ? null : hex(hi),
                  pre == null ? null : hex(pre),
                  null);
          NavigableSet<String> want = expected(o);
          String what = o.toString();
          try (KiwiIterator it = engine.iterator(o)) {
            it.seekToFirst();
            assertEquals(List.copyOf(want), forward(it), "forward " + what);
            it.seekToLast();
            assertEquals(List.copyOf(want.descendingSet()), backward(it), "reverse " + what);
            for (String t : targets) {
              it.seek(hex(t));
              assertEquals(
                  List.copyOf(want.tailSet(t, true)), forward(it), "seek " + t + " " + what);
              it.seekForPrev(hex(t));
              assertEquals(
                  List.copyOf(want.headSet(t, true).descendingSet()),
                  backward(it),
                  "seekForPrev " + t + " " + what);
            }
            if (!want.isEmpty()) {
              // Direction changes at both ends fall off the range.
              it.seekToFirst();
              it.prev();
              assertFalse(it.isValid(), "prev from the first key " + what);
              it.seekToLast();
              it.next();
              assertFalse(it.isValid(), "next from the last key " + what);
              // And in the middle they come back to the neighbour.
              it.seekToLast();
              it.prev();
              if (it.isValid()) {
                it.next();
                assertEquals(want.last(), Bytes.hex(it.key()), "prev then next " + what);
              }
            }
          }
          combinations++;
        }
      }
    }
    assertEquals(bounds.length * bounds.length * prefixes.length, combinations);
  }

  @ParameterizedTest
  @EnumSource(Layout.class)
  void prefixesAtTheFfBoundary(Layout layout) {
    load(layout);
    assertEquals(List.of("ff", "ff00", "ffff", "ffffff"), scan(ScanOptions.prefix(hex("ff"))));
    assertEquals(List.of("ffff", "ffffff"), scan(ScanOptions.prefix(hex("ffff"))));
    assertEquals(List.of("61ff", "61ffff"), scan(ScanOptions.prefix(hex("61ff"))));
    assertEquals(List.of("62", "6200"), scan(ScanOptions.prefix(hex("62"))));
    assertEquals(List.of(), scan(ScanOptions.range(hex("62"), hex("62"))));
    assertEquals(List.of(), scan(ScanOptions.range(hex("ff"), hex("61"))));
    assertEquals(List.of(), scan(ScanOptions.range(hex("ffffffff"), null)));
    assertEquals(List.of(), scan(ScanOptions.range(null, hex("00"))));
    assertEquals(List.of("00"), scan(ScanOptions.range(null, hex("0000"))));
    assertEquals(
        List.of(), scan(ScanOptions.prefix(hex("61")).withLowerBound(hex("62"))), "disjoint");
  }

  private List<String> scan(ScanOptions o) {
    try (KiwiIterator it = engine.iterator(o)) {
      it.seekToFirst();
      List<String> fwd = forward(it);
      it.seekToLast();
      List<String> rev = backward(it);
      List<String> reversed = new ArrayList<>(rev);
      java.util.Collections.reverse(reversed);
      assertEquals(fwd, reversed, "forward and reverse disagree for " + o);
      return fwd;
    }
  }
}
