package io.kiwidb.sstable.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.testkit.ListInternalIterator;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class LevelIteratorTest {
  /** Opens files from a map and counts how many are open at once. */
  private static final class Opener implements Function<TableMeta, InternalIterator> {
    final Map<Long, List<InternalEntry>> contents = new HashMap<>();
    int open;
    int maxOpen;

    @Override
    public InternalIterator apply(TableMeta t) {
      open++;
      maxOpen = Math.max(maxOpen, open);
      return new ListInternalIterator(contents.get(t.fileNumber())) {
        @Override
        public void close() {
          if (!isClosed()) {
            open--;
          }
          super.close();
        }
      };
    }
  }

  @Test
  void randomOperationsMatchTheConcatenationWithOneFileOpen(SeededRandom random) {
    for (int round = 0; round < 300; round++) {
      // Sorted entries: a few versions per key; files split only between user keys.
      List<InternalEntry> all = new ArrayList<>();
      int keys = random.nextInt(30);
      long seq = 1000;
      for (int k = 0; k < keys; k++) {
        byte[] key = Bytes.utf8(String.format(Locale.ROOT, "k%03d", k * 2));
        for (int v = 1 + random.nextInt(3); v > 0; v--) {
          all.add(InternalEntry.put(key, seq--, Bytes.utf8("v")));
        }
      }
      Opener opener = new Opener();
      List<TableMeta> files = new ArrayList<>();
      int i = 0;
      while (i < all.size()) {
        int j = i + 1;
        while (j < all.size() && (random.nextInt(4) != 0 || sameKey(all, j))) {
          j++;
        }
        long n = files.size() + 1L;
        List<InternalEntry> chunk = all.subList(i, j);
        opener.contents.put(n, chunk);
        files.add(
            new TableMeta(
                n, 1, chunk.get(0).key(), chunk.get(chunk.size() - 1).key(), 1, 0, 0, 0, 0));
        i = j;
      }
      try (LevelIterator it = new LevelIterator(files, opener)) {
        int pos = -1;
        for (int op = 0; op < 200; op++) {
          boolean valid = pos >= 0 && pos < all.size();
          int choice = random.nextInt(valid ? 8 : 4);
          byte[] key =
              Bytes.utf8(String.format(Locale.ROOT, "k%03d", random.nextInt(2 * keys + 2)));
          long s = 990L + random.nextInt(20);
          switch (choice) {
            case 0 -> {
              it.seekToFirst();
              pos = all.isEmpty() ? -1 : 0;
            }
            case 1 -> {
              it.seekToLast();
              pos = all.size() - 1;
            }
            case 2 -> {
              it.seek(key, s);
              pos = 0;
              while (pos < all.size() && cmp(all.get(pos), key, s) < 0) {
                pos++;
              }
            }
            case 3 -> {
              it.seekForPrev(key, s);
              pos = all.size() - 1;
              while (pos >= 0 && cmp(all.get(pos), key, s) > 0) {
                pos--;
              }
            }
            default -> {
              if (random.nextBoolean()) {
                it.next();
                pos++;
              } else {
                it.prev();
                pos--;
              }
            }
          }
          boolean expect = pos >= 0 && pos < all.size();
          assertEquals(expect, it.isValid(), "valid after op " + choice);
          if (expect) {
            assertEquals(all.get(pos), it.entry(), "entry after op " + choice);
          } else {
            pos = -1;
          }
          assertTrue(opener.open <= 1, "more than one file open");
        }
      }
      assertEquals(0, opener.open, "close() closes the open file");
    }
  }

  private static boolean sameKey(List<InternalEntry> all, int j) {
    return KeyOrder.compareKeys(all.get(j - 1).key(), all.get(j).key()) == 0;
  }

  private static int cmp(InternalEntry e, byte[] key, long seq) {
    return KeyOrder.compareInternal(e.key(), e.seq(), key, seq);
  }

  @Test
  void overlappingFilesAreRejectedNamingThem() {
    TableMeta a = new TableMeta(3, 1, Bytes.utf8("a"), Bytes.utf8("m"), 1, 0, 0, 0, 0);
    TableMeta b = new TableMeta(4, 1, Bytes.utf8("m"), Bytes.utf8("z"), 1, 0, 0, 0, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new LevelIterator(List.of(a, b), t -> null));
    assertTrue(e.getMessage().contains("3 and 4"), e.getMessage());
  }

  @Test
  void anEmptyLevelIsAnEmptyIterator() {
    try (LevelIterator it = new LevelIterator(List.of(), t -> null)) {
      it.seekToFirst();
      assertFalse(it.isValid());
      it.seekForPrev(Bytes.utf8("x"), 1);
      assertFalse(it.isValid());
      assertThrows(IllegalStateException.class, it::next);
    }
  }
}
