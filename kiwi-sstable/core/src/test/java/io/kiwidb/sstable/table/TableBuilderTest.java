package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.LookupTrace.Answer;
import io.kiwidb.api.LookupTrace.CacheAnswer;
import io.kiwidb.api.LookupTrace.FilterAnswer;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TableBuilderTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private final Path path = Path.of("/000001.sst");

  @Test
  void rejectsOutOfOrderAndDuplicateEntriesNamingBoth() {
    try (TableBuilder b = TableBuilder.create(fs, path, TableOptions.defaults())) {
      b.add(Bytes.utf8("b"), 5, EntryKind.PUT, Bytes.utf8("1"));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> b.add(Bytes.utf8("a"), 9, EntryKind.PUT, Bytes.utf8("2")));
      assertTrue(e.getMessage().contains("a@9 after b@5"), e.getMessage());
      // Same key, higher sequence: newer versions must come first.
      assertThrows(
          IllegalArgumentException.class,
          () -> b.add(Bytes.utf8("b"), 6, EntryKind.PUT, Bytes.utf8("2")));
      assertThrows(
          IllegalArgumentException.class, () -> b.add(Bytes.utf8("b"), 5, EntryKind.DELETE, null));
      b.add(Bytes.utf8("b"), 4, EntryKind.DELETE, null);
      assertThrows(
          IllegalArgumentException.class,
          () -> b.add(Bytes.utf8("c"), 1, EntryKind.DELETE, Bytes.utf8("x")));
      assertThrows(
          IllegalArgumentException.class,
          () -> b.add(Bytes.utf8("c"), 1L << 56, EntryKind.DELETE, null));
      assertEquals(2, b.entryCount());
    }
  }

  @Test
  void unsignedKeyOrderIsEnforced() {
    try (TableBuilder b = TableBuilder.create(fs, path, TableOptions.defaults())) {
      b.add(new byte[] {0x7f}, 1, EntryKind.PUT, new byte[0]);
      b.add(new byte[] {(byte) 0x80}, 1, EntryKind.PUT, new byte[0]); // 0x80 > 0x7f unsigned
      assertThrows(
          IllegalArgumentException.class,
          () -> b.add(new byte[] {0x10}, 1, EntryKind.PUT, new byte[0]));
    }
  }

  @Test
  void emptyTableCannotBeFinishedAndBuilderIsSingleUse() {
    TableBuilder b = TableBuilder.create(fs, path, TableOptions.defaults());
    assertThrows(IllegalStateException.class, b::finish);
    b.add(InternalEntry.put(Bytes.utf8("k"), 1, Bytes.utf8("v")));
    b.finish();
    assertThrows(IllegalStateException.class, b::finish);
    assertThrows(
        IllegalStateException.class, () -> b.add(InternalEntry.delete(Bytes.utf8("z"), 1)));
  }

  @Test
  void finishSyncsTheFile() throws Exception {
    try (TableBuilder b = TableBuilder.create(fs, path, TableOptions.defaults())) {
      b.add(InternalEntry.put(Bytes.utf8("k"), 1, Bytes.utf8("v")));
      b.finish();
    }
    fs.syncDirectory(Path.of("/"));
    long size = fs.size(path);
    fs.crash();
    assertEquals(size, fs.size(path), "every byte survives a crash after finish");
    try (TableReader t = TableReader.open(fs, path, 1, BlockCache.withDefaults())) {
      assertEquals(Bytes.utf8("v").length, t.get(Bytes.utf8("k"), 1).entry().value().length);
    }
  }

  @Test
  void optionsValidateEagerly() {
    TableOptions d = TableOptions.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withBlockSize(0));
    assertThrows(IllegalArgumentException.class, () -> d.withRestartInterval(0));
    assertThrows(IllegalArgumentException.class, () -> d.withFilter(new ExactFilterPolicy(), 1.5));
  }

  @Test
  void filterPolicyNameIsRecordedAndUnknownPoliciesAreIgnored() {
    TableOptions o = TableOptions.defaults().withFilter(new ExactFilterPolicy(), 0.01);
    try (TableBuilder b = TableBuilder.create(fs, path, o)) {
      b.add(InternalEntry.put(Bytes.utf8("a"), 2, Bytes.utf8("1")));
      b.add(InternalEntry.put(Bytes.utf8("c"), 1, Bytes.utf8("3")));
      assertEquals(ExactFilterPolicy.NAME, b.finish().filterPolicy());
    }
    // Known policy: absent key rejected by the filter, no block read.
    try (TableReader t =
        TableReader.open(fs, path, 1, BlockCache.withDefaults(), DeflateCompressor.CODECS)) {
      TableLookup miss = t.get(Bytes.utf8("b"), 9);
      assertEquals(
          new TableLookup(null, Answer.ABSENT, FilterAnswer.NO, CacheAnswer.NOT_READ), miss);
      assertEquals(FilterAnswer.MAYBE, t.get(Bytes.utf8("a"), 9).filter());
    }
    // The policy is not installed (the default lookup finds no "test-exact"): blocks are read.
    try (TableReader t = TableReader.open(fs, path, 1, BlockCache.withDefaults())) {
      TableLookup miss = t.get(Bytes.utf8("b"), 9);
      assertEquals(Answer.ABSENT, miss.answer());
      assertEquals(FilterAnswer.NOT_CHECKED, miss.filter());
      assertEquals(CacheAnswer.MISS, miss.cache());
      assertEquals(Answer.FOUND, t.get(Bytes.utf8("c"), 9).answer());
    }
  }

  @Test
  void compressionShrinksCompressibleTablesAndSkipsIncompressibleBlocks() {
    long none = buildRepetitive(TableOptions.defaults(), true);
    long packed =
        buildRepetitive(TableOptions.defaults().withCompressor(new DeflateCompressor()), true);
    assertTrue(packed * 2 < none, "deflate " + packed + " vs none " + none);
    long noneRandom = buildRepetitive(TableOptions.defaults(), false);
    long packedRandom =
        buildRepetitive(TableOptions.defaults().withCompressor(new DeflateCompressor()), false);
    // Random values do not compress by 1/8: data blocks stay raw, so the sizes are close.
    assertTrue(
        packedRandom <= noneRandom + 64, "deflate " + packedRandom + " vs none " + noneRandom);
  }

  private long buildRepetitive(TableOptions o, boolean compressible) {
    java.util.Random r = new java.util.Random(42);
    try (TableBuilder b = TableBuilder.create(fs, path, o)) {
      for (int i = 0; i < 2000; i++) {
        byte[] v = new byte[100];
        if (compressible) {
          java.util.Arrays.fill(v, (byte) ('a' + i % 5));
        } else {
          r.nextBytes(v);
        }
        b.add(InternalEntry.put(Bytes.utf8(String.format("key%08d", i)), i + 1, v));
      }
      b.finish();
    }
    try (TableReader t =
        TableReader.open(fs, path, 1, BlockCache.withDefaults(), DeflateCompressor.CODECS)) {
      assertEquals(2000, t.entries().size());
      return t.fileSize();
    }
  }

  @Test
  void tableFileNames() {
    assertEquals("000042.sst", TableFiles.fileName(42));
    assertEquals("1234567.sst", TableFiles.fileName(1234567));
    assertEquals(Path.of("/db/sst/000007.sst"), TableFiles.tablePath(Path.of("/db"), 7));
    assertEquals(42, TableFiles.parseFileNumber(Path.of("/db/sst/000042.sst")).orElseThrow());
    assertTrue(TableFiles.parseFileNumber(Path.of("42.sst")).isEmpty());
    assertTrue(TableFiles.parseFileNumber(Path.of("00004x.sst")).isEmpty());
    assertTrue(TableFiles.parseFileNumber(Path.of("000042.log")).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> TableFiles.fileName(-1));
  }
}
