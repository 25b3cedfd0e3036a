package io.kiwidb.compaction.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.testkit.DataDriven;
import io.kiwidb.testkit.LevelLayouts;
import io.kiwidb.testkit.ListInternalIterator;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class VersionPruningIteratorTest {

  /**
   * The model: every version of every key, oldest data in the deeper levels, the compaction input
   * above it. For each live snapshot and for a reader without one, the value every key shows must
   * be the same before and after pruning the input, whether the deeper levels are empty
   * (bottommost), answered exactly, or answered with false positives.
   */
  @Test
  void noVisibleValueChangesAtAnySnapshot(SeededRandom random) {
    for (int round = 0; round < 500; round++) {
      int keyCount = 1 + random.nextInt(6);
      long seq = 1;
      // key -> versions (seq descending), as TreeMaps of seq -> value (null = tombstone).
      Map<String, NavigableMap<Long, String>> deeper = new TreeMap<>();
      Map<String, NavigableMap<Long, String>> input = new TreeMap<>();
      boolean bottommost = random.nextInt(3) == 0;
      if (!bottommost) {
        for (int i = random.nextInt(8); i > 0; i--) {
          String key = "k" + random.nextInt(keyCount);
          deeper.computeIfAbsent(key, k -> new TreeMap<>()).put(seq, value(random, seq));
          seq++;
        }
      }
      List<InternalEntry> entries = new ArrayList<>();
      for (int i = random.nextInt(30); i > 0; i--) {
        String key = "k" + random.nextInt(keyCount);
        String v = value(random, seq);
        input.computeIfAbsent(key, k -> new TreeMap<>()).put(seq, v);
        entries.add(
            v == null
                ? InternalEntry.delete(Bytes.utf8(key), seq)
                : InternalEntry.put(Bytes.utf8(key), seq, Bytes.utf8(v)));
        seq++;
      }
      Set<Long> snapshots = new TreeSet<>();
      for (int i = random.nextInt(5); i > 0; i--) {
        snapshots.add(random.nextLong(seq + 1));
      }
      boolean falsePositives = random.nextBoolean();
      Set<String> extra = new HashSet<>();
      for (int i = 0; i < keyCount; i++) {
        if (falsePositives && random.nextBoolean()) {
          extra.add("k" + i);
        }
      }
      VersionPruningIterator.DeeperLevels below =
          bottommost
              ? VersionPruningIterator.DeeperLevels.NONE
              : k -> {
                String s = new String(k, java.nio.charset.StandardCharsets.UTF_8);
                return deeper.containsKey(s) || extra.contains(s);
              };
      InternalIterator in = new ListInternalIterator(entries);
      in.seekToFirst();
      Map<String, NavigableMap<Long, String>> output = new TreeMap<>();
      InternalEntry previous = null;
      try (VersionPruningIterator it = new VersionPruningIterator(in, snapshots, below)) {
        while (it.hasNext()) {
          InternalEntry e = it.next();
          if (previous != null) {
            assertTrue(ListInternalIterator.compare(previous, e) < 0, "output in internal order");
          }
          previous = e;
          output
              .computeIfAbsent(
                  new String(e.key(), java.nio.charset.StandardCharsets.UTF_8),
                  k -> new TreeMap<>())
              .put(
                  e.seq(),
                  e.isTombstone()
                      ? null
                      : new String(e.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(entries.size(), it.entriesRead());
        int outCount = output.values().stream().mapToInt(Map::size).sum();
        assertEquals(
            entries.size(), outCount + it.droppedShadowed() + it.droppedTombstones(), "accounting");
      }
      List<Long> readers = new ArrayList<>(snapshots);
      readers.add(KeyOrder.MAX_SEQUENCE);
      for (long reader : readers) {
        for (int i = 0; i < keyCount; i++) {
          String key = "k" + i;
          assertEquals(
              visible(key, reader, input, deeper),
              visible(key, reader, output, deeper),
              "key "
                  + key
                  + " at "
                  + reader
                  + " (snapshots "
                  + snapshots
                  + ", round "
                  + round
                  + ")");
        }
      }
      // Minimality: at most one version per stripe; with no snapshot and nothing below, one live
      // value per key and no tombstone at all.
      for (NavigableMap<Long, String> versions : output.values()) {
        assertTrue(versions.size() <= snapshots.size() + 1, "one version per stripe at most");
        if (snapshots.isEmpty() && bottommost) {
          assertEquals(1, versions.size());
          assertTrue(versions.firstEntry().getValue() != null, "no tombstone survives");
        }
      }
    }
  }

  private static String value(SeededRandom random, long seq) {
    return random.nextInt(3) == 0 ? null : "v" + seq;
  }

  /** The value a reader at {@code readSeq} sees: the newest version at or below it, or absent. */
  private static String visible(
      String key,
      long readSeq,
      Map<String, NavigableMap<Long, String>> top,
      Map<String, NavigableMap<Long, String>> deeper) {
    for (Map<String, NavigableMap<Long, String>> layer : List.of(top, deeper)) {
      NavigableMap<Long, String> versions = layer.get(key);
      if (versions != null) {
        Map.Entry<Long, String> e = versions.floorEntry(readSeq);
        if (e != null) {
          return e.getValue() == null ? "<absent>" : e.getValue();
        }
      }
    }
    return "<absent>";
  }

  @Test
  void inputOutOfOrderIsRejectedNamingTheKeys() {
    List<InternalEntry> bad =
        List.of(
            InternalEntry.put(Bytes.utf8("b"), 1, Bytes.utf8("x")),
            InternalEntry.put(Bytes.utf8("a"), 2, Bytes.utf8("y")));
    InternalIterator unsorted =
        new ListInternalIterator(List.of()) {
          int pos;

          @Override
          public boolean isValid() {
            return pos < bad.size();
          }

          @Override
          public void next() {
            pos++;
          }

          @Override
          public byte[] key() {
            return bad.get(pos).key();
          }

          @Override
          public long seq() {
            return bad.get(pos).seq();
          }

          @Override
          public io.kiwidb.api.EntryKind kind() {
            return bad.get(pos).kind();
          }

          @Override
          public byte[] value() {
            return bad.get(pos).value();
          }
        };
    try (VersionPruningIterator it =
        new VersionPruningIterator(unsorted, List.of(), VersionPruningIterator.DeeperLevels.ANY)) {
      assertTrue(it.hasNext());
      it.next();
      IllegalStateException e = assertThrows(IllegalStateException.class, it::hasNext);
      assertTrue(e.getMessage().contains("a @2 after b @1"), e.getMessage());
    }
  }

  @Test
  void deeperLevelsOfAViewAnswerByFileRanges() {
    LevelView view =
        LevelLayouts.view(
            List.of("L0: 9[a-z]", "L1: 5[a-z]", "L2: 20[c-e] 21[m-p]", "L3: 30[x-y]", "L4:"));
    VersionPruningIterator.DeeperLevels below = VersionPruningIterator.DeeperLevels.below(view, 1);
    for (String in : List.of("c", "d", "e", "m", "n", "p", "x", "y")) {
      assertTrue(below.mayContain(Bytes.utf8(in)), in);
    }
    for (String out : List.of("a", "b", "ea", "f", "l", "q", "w", "z")) {
      assertFalse(below.mayContain(Bytes.utf8(out)), out);
    }
    assertTrue(VersionPruningIterator.DeeperLevels.below(view, 2).mayContain(Bytes.utf8("x")));
    assertFalse(VersionPruningIterator.DeeperLevels.below(view, 2).mayContain(Bytes.utf8("d")));
    // Nothing below L3 (L4 is empty): the output is bottommost.
    assertSame(
        VersionPruningIterator.DeeperLevels.NONE,
        VersionPruningIterator.DeeperLevels.below(view, 3));
  }

  @Test
  void emptyInputYieldsNothing() {
    InternalIterator in = new ListInternalIterator(List.of());
    in.seekToFirst();
    try (VersionPruningIterator it =
        new VersionPruningIterator(in, List.of(5L), VersionPruningIterator.DeeperLevels.NONE)) {
      assertFalse(it.hasNext());
      assertThrows(java.util.NoSuchElementException.class, it::next);
    }
  }

  /**
   * Golden cases in {@code testdata/pruning}: {@code prune [snapshots=3,7] [deeper=none|any|k1,k2]}
   * with entries {@code key@seq=value} or {@code key@seq del}, one per line.
   */
  @TestFactory
  Stream<DynamicTest> goldenFiles() {
    return DataDriven.files("pruning").stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runGolden(f)));
  }

  private static void runGolden(Path file) {
    DataDriven.check(
        file,
        c -> {
          List<Long> snapshots = new ArrayList<>();
          String s = c.arg("snapshots", "");
          for (String part : s.isEmpty() ? new String[0] : s.split(",")) {
            snapshots.add(Long.parseLong(part));
          }
          String deeper = c.arg("deeper", "any");
          VersionPruningIterator.DeeperLevels below =
              switch (deeper) {
                case "none" -> VersionPruningIterator.DeeperLevels.NONE;
                case "any" -> VersionPruningIterator.DeeperLevels.ANY;
                default -> {
                  Set<String> keys = Set.of(deeper.split(","));
                  yield k -> keys.contains(new String(k, java.nio.charset.StandardCharsets.UTF_8));
                }
              };
          List<InternalEntry> entries = new ArrayList<>();
          for (String line : c.input()) {
            for (String word : line.trim().split("\\s+")) {
              if (!word.isEmpty()) {
                entries.add(parseEntry(word));
              }
            }
          }
          InternalIterator in = new ListInternalIterator(entries);
          in.seekToFirst();
          StringBuilder out = new StringBuilder();
          try (VersionPruningIterator it = new VersionPruningIterator(in, snapshots, below)) {
            while (it.hasNext()) {
              InternalEntry e = it.next();
              out.append(Bytes.toDisplay(e.key())).append('@').append(e.seq());
              out.append(e.isTombstone() ? " del" : "=" + Bytes.toDisplay(e.value())).append('\n');
            }
            out.append("dropped: shadowed=")
                .append(it.droppedShadowed())
                .append(" tombstones=")
                .append(it.droppedTombstones());
          }
          return out.toString();
        });
  }

  /** {@code a@5=v} or {@code a@5:del}. */
  private static InternalEntry parseEntry(String word) {
    int at = word.indexOf('@');
    byte[] key = Bytes.utf8(word.substring(0, at));
    String rest = word.substring(at + 1);
    if (rest.endsWith(":del")) {
      return InternalEntry.delete(key, Long.parseLong(rest.substring(0, rest.length() - 4)));
    }
    int eq = rest.indexOf('=');
    return InternalEntry.put(
        key, Long.parseLong(rest.substring(0, eq)), Bytes.utf8(rest.substring(eq + 1)));
  }
}
