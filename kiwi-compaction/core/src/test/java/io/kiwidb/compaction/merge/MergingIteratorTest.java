package io.kiwidb.compaction.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.testkit.DataDriven;
import io.kiwidb.testkit.ListInternalIterator;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class MergingIteratorTest {
  /** An entry of the model: the entry and the child it came from. */
  private record Tagged(InternalEntry entry, int child) {}

  @Test
  void randomOperationsMatchTheSortedUnionInBothDirections(SeededRandom random) {
    for (int round = 0; round < 300; round++) {
      int childCount = random.nextInt(6);
      List<List<InternalEntry>> lists = new ArrayList<>();
      List<Tagged> model = new ArrayList<>();
      int keys = 1 + random.nextInt(8);
      long nextSeq = 1;
      List<InternalEntry> all = new ArrayList<>();
      for (int c = 0; c < childCount; c++) {
        List<InternalEntry> list = new ArrayList<>();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
          InternalEntry e;
          if (!all.isEmpty() && random.nextInt(6) == 0) {
            // The same (key, seq) in another child: order must fall back to the child index.
            InternalEntry twin = all.get(random.nextInt(all.size()));
            if (contains(list, twin)) {
              continue;
            }
            e = InternalEntry.put(twin.key(), twin.seq(), Bytes.utf8("c" + c));
          } else {
            byte[] key = Bytes.utf8("k" + random.nextInt(keys));
            long seq = nextSeq++;
            e =
                random.nextInt(4) == 0
                    ? InternalEntry.delete(key, seq)
                    : InternalEntry.put(key, seq, Bytes.utf8("c" + c));
          }
          list.add(e);
          all.add(e);
          model.add(new Tagged(e, c));
        }
        lists.add(list);
      }
      model.sort(
          (a, b) -> {
            int x = ListInternalIterator.compare(a.entry, b.entry);
            return x != 0 ? x : Integer.compare(a.child, b.child);
          });
      List<InternalIterator> children = new ArrayList<>();
      lists.forEach(l -> children.add(new ListInternalIterator(l)));
      try (MergingIterator it = new MergingIterator(children)) {
        runOps(random, it, model, keys, nextSeq);
      }
    }
  }

  private static boolean contains(List<InternalEntry> list, InternalEntry e) {
    for (InternalEntry x : list) {
      if (ListInternalIterator.compare(x, e) == 0) {
        return true;
      }
    }
    return false;
  }

  private static void runOps(
      SeededRandom random, MergingIterator it, List<Tagged> model, int keys, long maxSeq) {
    int pos = -1;
    for (int op = 0; op < 200; op++) {
      boolean valid = pos >= 0 && pos < model.size();
      int choice = random.nextInt(valid ? 10 : 4);
      byte[] key = Bytes.utf8("k" + random.nextInt(keys + 1));
      long seq = random.nextLong(maxSeq + 1);
      String what;
      switch (choice) {
        case 0 -> {
          it.seekToFirst();
          pos = model.isEmpty() ? -1 : 0;
          what = "seekToFirst";
        }
        case 1 -> {
          it.seekToLast();
          pos = model.size() - 1;
          what = "seekToLast";
        }
        case 2 -> {
          it.seek(key, seq);
          pos = 0;
          while (pos < model.size() && cmp(model.get(pos).entry, key, seq) < 0) {
            pos++;
          }
          what = "seek " + Bytes.toDisplay(key) + "@" + seq;
        }
        case 3 -> {
          it.seekForPrev(key, seq);
          pos = model.size() - 1;
          while (pos >= 0 && cmp(model.get(pos).entry, key, seq) > 0) {
            pos--;
          }
          what = "seekForPrev " + Bytes.toDisplay(key) + "@" + seq;
        }
        default -> {
          if (random.nextBoolean()) {
            it.next();
            pos++;
            what = "next";
          } else {
            it.prev();
            pos--;
            what = "prev";
          }
        }
      }
      boolean expectValid = pos >= 0 && pos < model.size();
      assertEquals(expectValid, it.isValid(), "valid after " + what);
      if (expectValid) {
        assertEquals(model.get(pos).entry, it.entry(), "entry after " + what);
      } else {
        pos = -1;
      }
    }
  }

  private static int cmp(InternalEntry e, byte[] key, long seq) {
    return KeyOrder.compareInternal(e.key(), e.seq(), key, seq);
  }

  @Test
  void directionSwitchOverEqualInternalKeysKeepsChildOrder() {
    byte[] k = Bytes.utf8("k");
    ListInternalIterator newer =
        new ListInternalIterator(List.of(InternalEntry.put(k, 5, Bytes.utf8("new"))));
    ListInternalIterator older =
        new ListInternalIterator(
            List.of(
                InternalEntry.put(k, 5, Bytes.utf8("old")),
                InternalEntry.put(k, 3, Bytes.utf8("x"))));
    try (MergingIterator it = new MergingIterator(List.of(newer, older))) {
      it.seekToFirst();
      assertEquals("new", new String(it.value(), java.nio.charset.StandardCharsets.UTF_8));
      it.next();
      assertEquals("old", new String(it.value(), java.nio.charset.StandardCharsets.UTF_8));
      it.prev();
      assertEquals("new", new String(it.value(), java.nio.charset.StandardCharsets.UTF_8));
      it.prev();
      assertFalse(it.isValid());
      it.seekToLast();
      assertEquals(3, it.seq());
      it.prev();
      assertEquals("old", new String(it.value(), java.nio.charset.StandardCharsets.UTF_8));
      it.next();
      assertEquals(3, it.seq());
    }
  }

  /**
   * Golden cases in {@code testdata/merging}: {@code iter}, input lines {@code child: a@3=x
   * b@1:del} (one per child, newest source first) and {@code ops: first next prev last seek=b@9
   * seek-for-prev=b@1 ...}; the output shows where each op leaves the iterator.
   */
  @TestFactory
  Stream<DynamicTest> goldenFiles() {
    return DataDriven.files("merging").stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> runGolden(f)));
  }

  private static void runGolden(Path file) {
    DataDriven.check(
        file,
        c -> {
          List<InternalIterator> children = new ArrayList<>();
          List<String> ops = new ArrayList<>();
          for (String line : c.input()) {
            String[] parts = line.split(":", 2);
            List<String> words = new ArrayList<>(List.of(parts[1].trim().split("\\s+")));
            words.removeIf(String::isEmpty);
            if (parts[0].equals("child")) {
              List<InternalEntry> entries = new ArrayList<>();
              words.forEach(w -> entries.add(parseEntry(w)));
              children.add(new ListInternalIterator(entries));
            } else {
              ops.addAll(words);
            }
          }
          StringBuilder out = new StringBuilder();
          try (MergingIterator it = new MergingIterator(children)) {
            for (String op : ops) {
              String[] kv = op.split("=", 2);
              try {
                switch (kv[0]) {
                  case "first" -> it.seekToFirst();
                  case "last" -> it.seekToLast();
                  case "next" -> it.next();
                  case "prev" -> it.prev();
                  case "seek" -> it.seek(target(kv[1]).key(), target(kv[1]).seq());
                  case "seek-for-prev" -> it.seekForPrev(target(kv[1]).key(), target(kv[1]).seq());
                  default -> throw new IllegalArgumentException("unknown op " + op);
                }
              } catch (IllegalStateException e) {
                out.append(op).append(": error: ").append(e.getMessage()).append('\n');
                continue;
              }
              out.append(op).append(": ");
              if (it.isValid()) {
                InternalEntry e = it.entry();
                out.append(Bytes.toDisplay(e.key())).append('@').append(e.seq());
                out.append(e.isTombstone() ? ":del" : "=" + Bytes.toDisplay(e.value()));
              } else {
                out.append("(invalid)");
              }
              out.append('\n');
            }
          }
          return out.toString();
        });
  }

  private static InternalEntry target(String s) {
    int at = s.indexOf('@');
    return InternalEntry.delete(
        Bytes.utf8(s.substring(0, at)), Long.parseLong(s.substring(at + 1)));
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

  @Test
  void noChildrenIsAnEmptyIterator() {
    try (MergingIterator it = new MergingIterator(List.of())) {
      it.seekToFirst();
      assertFalse(it.isValid());
      it.seekToLast();
      assertFalse(it.isValid());
      assertThrows(IllegalStateException.class, it::next);
      assertThrows(IllegalStateException.class, it::key);
    }
  }

  @Test
  void closeClosesEveryChildEvenWhenOneFails() {
    ListInternalIterator a = new ListInternalIterator(List.of());
    ListInternalIterator c = new ListInternalIterator(List.of());
    InternalIterator failing =
        new ListInternalIterator(List.of()) {
          @Override
          public void close() {
            throw new IllegalStateException("boom");
          }
        };
    MergingIterator it = new MergingIterator(List.of(a, failing, c));
    IllegalStateException e = assertThrows(IllegalStateException.class, it::close);
    assertEquals("boom", e.getMessage());
    assertTrue(a.isClosed());
    assertTrue(c.isClosed());
  }
}
