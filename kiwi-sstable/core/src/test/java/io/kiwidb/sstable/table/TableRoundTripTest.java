package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.LookupTrace.Answer;
import io.kiwidb.api.LookupTrace.FilterAnswer;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.compress.NoCompressor;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(SeededRandomExtension.class)
class TableRoundTripTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private final Path path = Path.of("/000007.sst");

  static Stream<Arguments> layouts() {
    return Stream.of(
        Arguments.of("none", 4096, 16, false),
        Arguments.of("deflate", 4096, 16, true),
        Arguments.of("none", 64, 1, false),
        Arguments.of("deflate", 256, 4, true),
        Arguments.of("deflate", 1024, 16, false));
  }

  private static Compressor codec(String name) {
    return name.equals("deflate") ? new DeflateCompressor() : new NoCompressor();
  }

  private TableReader build(TableModel model, TableOptions options, BlockCache cache) {
    try (TableBuilder b = TableBuilder.create(fs, path, options)) {
      model.entries.forEach(b::add);
      TableProperties p = b.finish();
      assertEquals(model.entries.size(), p.entryCount());
    }
    return TableReader.open(fs, path, 7, cache, DeflateCompressor.CODECS);
  }

  @ParameterizedTest(name = "{0} block={1} restart={2} filter={3}")
  @MethodSource("layouts")
  void entriesGetsAndIteratorsMatchTheModel(
      String codec, int blockSize, int restart, boolean filter, SeededRandom random) {
    TableModel model = TableModel.random(random, 300, 3 * blockSize + 17);
    TableOptions options =
        TableOptions.defaults()
            .withBlockSize(blockSize)
            .withRestartInterval(restart)
            .withCompressor(codec(codec))
            .withFilter(filter ? new ExactFilterPolicy() : null, 0.01);
    try (TableReader t = build(model, options, new BlockCache(8, 2, 2))) {
      assertEquals(model.entries, t.entries());
      t.verify();
      checkProperties(model, t, filter ? ExactFilterPolicy.NAME : "", codec);
      checkGets(model, t, random, filter);
      checkIterator(model, t, random);
    }
  }

  private static void checkProperties(TableModel m, TableReader t, String filter, String codec) {
    TableProperties p = t.properties();
    assertArrayEquals(m.entries.get(0).key(), p.smallestKey());
    assertArrayEquals(m.entries.get(m.entries.size() - 1).key(), p.largestKey());
    assertEquals(m.entries.stream().mapToLong(InternalEntry::seq).min().orElseThrow(), p.minSeq());
    assertEquals(m.maxSeq, p.maxSeq());
    assertEquals(m.tombstones(), p.tombstoneCount());
    assertEquals(filter, p.filterPolicy());
    assertEquals(codec, p.compressor());
    assertTrue(p.dataBlockCount() >= 1);
    assertEquals(m.entries.stream().mapToLong(e -> e.key().length).sum(), p.rawKeyBytes());
    assertEquals(t.fileSize(), t.meta(2).sizeBytes());
    assertEquals(2, t.meta(2).level());
  }

  private static void checkGets(TableModel m, TableReader t, Random r, boolean filter) {
    // Every stored version at its own sequence, one below it, and at the newest sequence.
    for (InternalEntry e : m.entries) {
      for (long seq : new long[] {e.seq(), e.seq() - 1, m.maxSeq, 0}) {
        TableLookup got = t.get(e.key(), seq);
        InternalEntry want = m.get(e.key(), seq);
        assertEquals(want, got.entry(), () -> "get " + e + " at " + seq);
        if (want != null) {
          assertEquals(want.isTombstone() ? Answer.TOMBSTONE : Answer.FOUND, got.answer());
          assertEquals(filter ? FilterAnswer.MAYBE : FilterAnswer.NOT_CHECKED, got.filter());
        }
      }
    }
    // Absent keys: random bytes, and stored keys with a byte appended.
    for (int i = 0; i < 500; i++) {
      byte[] k;
      if (r.nextBoolean()) {
        k = new byte[r.nextInt(8)];
        r.nextBytes(k);
      } else {
        byte[] base = m.entries.get(r.nextInt(m.entries.size())).key();
        k = Arrays.copyOf(base, base.length + 1);
        k[base.length] = (byte) r.nextInt(256);
      }
      long seq = r.nextInt((int) m.maxSeq + 2);
      TableLookup got = t.get(k, seq);
      assertEquals(m.get(k, seq), got.entry(), () -> "get " + Arrays.toString(k) + " at " + seq);
      if (got.entry() == null
          && got.answer() == Answer.ABSENT
          && filter
          && m.get(k, m.maxSeq) == null) {
        assertEquals(FilterAnswer.NO, got.filter(), "the exact filter rejects absent keys");
      }
    }
  }

  private static void checkIterator(TableModel m, TableReader t, Random r) {
    List<InternalEntry> es = m.entries;
    try (InternalIterator it = t.iterator()) {
      // Backwards from the end.
      int i = es.size() - 1;
      for (it.seekToLast(); it.isValid(); it.prev()) {
        assertEquals(es.get(i--), it.entry());
      }
      assertEquals(-1, i);
      for (int round = 0; round < 300; round++) {
        byte[] k;
        long seq;
        if (r.nextBoolean()) {
          InternalEntry e = es.get(r.nextInt(es.size()));
          k = e.key();
          seq = e.seq() + r.nextInt(3) - 1;
        } else {
          k = new byte[r.nextInt(7)];
          r.nextBytes(k);
          seq = r.nextInt((int) m.maxSeq + 2);
        }
        int pos;
        if (r.nextBoolean()) {
          it.seek(k, seq);
          pos = m.ceiling(k, seq);
        } else {
          it.seekForPrev(k, seq);
          pos = m.floor(k, seq);
        }
        for (int step = 0; step < 20; step++) {
          if (pos < 0 || pos >= es.size()) {
            assertFalse(it.isValid(), "past an end");
            break;
          }
          assertTrue(it.isValid());
          assertEquals(es.get(pos), it.entry());
          if (r.nextInt(3) == 0) {
            it.prev();
            pos--;
          } else {
            it.next();
            pos++;
          }
        }
      }
      it.seekToFirst();
      assertEquals(es.get(0), it.entry());
      it.prev();
      assertFalse(it.isValid());
    }
  }

  @Test
  @Tag("slow")
  void largeTablesMatchTheModel(SeededRandom random) {
    for (String codec : new String[] {"none", "deflate"}) {
      TableModel model = TableModel.random(random, 50_000, 9000);
      TableOptions options =
          TableOptions.defaults()
              .withCompressor(codec(codec))
              .withFilter(new ExactFilterPolicy(), 0.01);
      try (TableReader t = build(model, options, new BlockCache(64, 4, 4))) {
        assertEquals(model.entries, t.entries());
        t.verify();
        checkGets(model, t, random, true);
        checkIterator(model, t, random);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void singleEntryTable(String codec, int blockSize, int restart, boolean filter) {
    TableModel m = new TableModel(List.of(InternalEntry.put(new byte[0], 5, new byte[0])));
    TableOptions o =
        TableOptions.defaults()
            .withBlockSize(blockSize)
            .withRestartInterval(restart)
            .withCompressor(codec(codec));
    try (TableReader t = build(m, o, BlockCache.withDefaults())) {
      assertEquals(m.entries, t.entries());
      assertEquals(m.entries.get(0), t.get(new byte[0], 9).entry());
      assertNull(t.get(new byte[0], 4).entry());
      assertEquals(Answer.OUT_OF_RANGE, t.get(new byte[] {0}, 9).answer());
    }
  }
}
