package io.kiwidb.sstable.table;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.compress.NoCompressor;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input: every flipped byte and every truncation of a small table is either rejected at open or
 * reported as corruption by the read that meets it, naming the file; no read ever returns a value
 * the table was not given.
 */
@ExtendWith(SeededRandomExtension.class)
class TableCorruptionTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private final Path path = Path.of("/000009.sst");
  private final FilterPolicy exact = new ExactFilterPolicy();
  private TableModel model;
  private byte[] good;

  @BeforeEach
  void buildSmallTable() throws Exception {
    List<InternalEntry> es = new ArrayList<>();
    long seq = 100;
    for (int i = 0; i < 40; i++) {
      byte[] k = ("key" + (i / 2) + (char) ('a' + i % 3)).getBytes(UTF_8);
      byte[] v = i % 7 == 0 ? null : ("value-" + i + "-" + "x".repeat(i)).getBytes(UTF_8);
      es.add(v == null ? InternalEntry.delete(k, seq--) : InternalEntry.put(k, seq--, v));
    }
    es.sort(TableModel.ORDER);
    // Deduplicate user-key/seq pairs produced by the pattern above.
    List<InternalEntry> unique = new ArrayList<>();
    for (InternalEntry e : es) {
      if (unique.isEmpty() || TableModel.ORDER.compare(unique.get(unique.size() - 1), e) != 0) {
        unique.add(e);
      }
    }
    model = new TableModel(unique);
    TableOptions o =
        TableOptions.defaults()
            .withBlockSize(128)
            .withRestartInterval(4)
            .withCompressor(new DeflateCompressor())
            .withFilter(exact, 0.01);
    try (TableBuilder b = TableBuilder.create(fs, path, o)) {
      model.entries.forEach(b::add);
      b.finish();
    }
    good = fs.contents(path);
    // Some blocks must really be compressed, so flips inside compressed payloads are covered.
    Path raw = Path.of("/raw.sst");
    try (TableBuilder b = TableBuilder.create(fs, raw, o.withCompressor(new NoCompressor()))) {
      model.entries.forEach(b::add);
      b.finish();
    }
    assertTrue(good.length < fs.size(raw), good.length + " vs " + fs.size(raw));
  }

  private TableReader open() {
    return TableReader.open(
        fs, path, 9, new BlockCache(0, 0, 0), DeflateCompressor.CODECS.withFilters(List.of(exact)));
  }

  /** Opens and reads everything; returns whether corruption was reported (and checks its file). */
  private boolean readAll() {
    try (TableReader t = open()) {
      for (InternalEntry e : model.entries) {
        for (long seq : new long[] {e.seq(), e.seq() - 1, Long.MAX_VALUE >>> 8}) {
          InternalEntry got = t.get(e.key(), seq).entry();
          assertEquals(model.get(e.key(), seq), got, "a wrong value is never returned");
        }
      }
      for (byte[] absent :
          new byte[][] {"key".getBytes(UTF_8), "key10z".getBytes(UTF_8), "kez".getBytes(UTF_8)}) {
        assertEquals(null, t.get(absent, 1000).entry());
      }
      List<InternalEntry> seen = new ArrayList<>();
      try (InternalIterator it = t.iterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          seen.add(it.entry());
        }
      }
      assertEquals(model.entries, seen);
      return false;
    } catch (CorruptionException e) {
      assertEquals(path.toString(), e.file(), e.getMessage());
      assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
      return true;
    }
  }

  @Test
  void intactTableReadsBack() {
    assertEquals(false, readAll());
  }

  @Test
  void everyFlippedByteIsDetected() throws Exception {
    int detected = 0;
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) 0xff;
      fs.overwrite(path, bad);
      if (readAll()) {
        detected++;
      }
    }
    // Every byte is covered by a block CRC or the footer CRC/magic/version, and every block is
    // read by readAll (the filter by the absent-key lookups, data by the scan).
    assertEquals(good.length, detected, "flips detected");
  }

  @Test
  void verifyFindsEveryFlippedByte() throws Exception {
    try (TableReader t = open()) {
      t.verify();
    }
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) 0xff;
      fs.overwrite(path, bad);
      int at = i;
      CorruptionException e =
          assertThrows(
              CorruptionException.class,
              () -> {
                try (TableReader t = open()) {
                  t.verify();
                }
              },
              () -> "flip at " + at);
      assertEquals(path.toString(), e.file());
    }
  }

  @Test
  void everyTruncationIsDetected() throws Exception {
    for (int len = 0; len < good.length; len++) {
      fs.overwrite(path, Arrays.copyOf(good, len));
      int n = len;
      CorruptionException e =
          assertThrows(CorruptionException.class, this::open, () -> "cut at " + n);
      assertEquals(path.toString(), e.file());
    }
  }

  @Test
  void randomGarbageAppendedOrPrependedIsRejected(SeededRandom random) throws Exception {
    for (int i = 0; i < 50; i++) {
      byte[] junk = random.bytes(1 + random.nextInt(100));
      byte[] bad = new byte[good.length + junk.length];
      if (random.nextBoolean()) {
        System.arraycopy(good, 0, bad, 0, good.length);
        System.arraycopy(junk, 0, bad, good.length, junk.length);
      } else {
        System.arraycopy(junk, 0, bad, 0, junk.length);
        System.arraycopy(good, 0, bad, junk.length, good.length);
      }
      fs.overwrite(path, bad);
      assertTrue(readAll(), "garbage of " + junk.length + " bytes must be reported");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 7, -1})
  void newerFormatVersionIsRejectedAsTooNew(int version) throws Exception {
    fs.overwrite(path, withVersion(version));
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(
        e.getMessage()
            .contains("format version " + Integer.toUnsignedString(version) + " is too new"),
        e.getMessage());
    assertEquals(good.length - TableFormat.FOOTER_SIZE, e.offset());
  }

  @Test
  void olderFormatVersionIsRejectedAsTooOld() throws Exception {
    fs.overwrite(path, withVersion(0));
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(e.getMessage().contains("format version 0 is too old"), e.getMessage());
  }

  @Test
  void notATableIsRejectedByMagic() throws Exception {
    byte[] text =
        "this is not a table, just some text long enough for a footer....".getBytes(UTF_8);
    fs.overwrite(path, text);
    CorruptionException e = assertThrows(CorruptionException.class, this::open);
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  /** The table with a valid footer CRC but another version: what a future writer would produce. */
  private byte[] withVersion(int version) {
    byte[] b = good.clone();
    int footer = b.length - TableFormat.FOOTER_SIZE;
    Coding.putInt(b, footer + 36, version);
    Coding.putInt(b, footer + 40, Checksums.maskedCrc32c(b, footer, 40));
    return b;
  }
}
