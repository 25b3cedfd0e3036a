package io.kiwidb.sstable.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.sstable.TableWriter;
import io.kiwidb.sstable.manifest.VersionEdit;
import io.kiwidb.sstable.table.DeflateCompressor;
import io.kiwidb.sstable.table.ExactFilterPolicy;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reference SSTableManager's duties: lookups by level, show_disk, l0_count, close_all. */
class TableStoreTest {
  private static final Path ROOT = Path.of("/db");
  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private VersionedTableStore store;

  @BeforeEach
  void open() throws IOException {
    fs.createDirectories(ROOT.resolve("sst"));
    store =
        VersionedTableStore.open(
            fs,
            ROOT,
            TableStoreOptions.defaults(4)
                .withCache(16, 16, 16)
                .withCodecs(DeflateCompressor.CODECS)
                .withTableOptions(
                    TableOptions.defaults().withFilter(new ExactFilterPolicy(), 0.01)));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Writes a table of the given entries at {@code level} and installs it. */
  private TableMeta install(int level, InternalEntry... entries) throws IOException {
    try (TableWriter w = store.newTable(level)) {
      for (InternalEntry e : entries) {
        w.add(e);
      }
      TableMeta meta = w.finish();
      store.install(new TableEdit(List.of(meta), List.of(), -1));
      return meta;
    }
  }

  private static InternalEntry put(String k, long seq, String v) {
    return InternalEntry.put(Bytes.utf8(k), seq, Bytes.utf8(v));
  }

  @Test
  void lookupsPreferNewerL0FilesThenDeeperLevels() throws IOException {
    install(1, put("a", 1, "old"), put("m", 2, "deep"));
    install(0, put("a", 5, "l0-older"));
    install(0, put("a", 9, "l0-newer"), InternalEntry.delete(Bytes.utf8("b"), 8));
    assertEquals(2, store.l0Count());

    assertEquals("l0-newer", new String(store.get(Bytes.utf8("a"), 100, null).value(), UTF_8));
    assertEquals("l0-older", new String(store.get(Bytes.utf8("a"), 6, null).value(), UTF_8));
    assertEquals("old", new String(store.get(Bytes.utf8("a"), 4, null).value(), UTF_8));
    assertEquals("deep", new String(store.get(Bytes.utf8("m"), 100, null).value(), UTF_8));
    assertTrue(store.get(Bytes.utf8("b"), 100, null).isTombstone());
    assertNull(store.get(Bytes.utf8("zz"), 100, null));
  }

  @Test
  void traceRecordsEveryTableConsulted() throws IOException {
    install(1, put("k", 1, "v1"));
    install(0, put("k", 7, "v7"));
    List<LookupTrace.Step> steps = new ArrayList<>();
    InternalEntry hit = store.get(Bytes.utf8("k"), 5, steps);
    assertEquals("v1", new String(hit.value(), UTF_8));
    assertEquals(List.of("L0", "L1"), steps.stream().map(LookupTrace.Step::layer).toList());
    assertEquals(LookupTrace.Answer.ABSENT, steps.get(0).answer());
    assertEquals(LookupTrace.FilterAnswer.MAYBE, steps.get(0).filter());
    assertEquals(LookupTrace.Answer.FOUND, steps.get(1).answer());
  }

  @Test
  void showDiskListsLevelsAndDetailsAFile() throws IOException {
    TableMeta t = install(0, put("a", 1, "x"), InternalEntry.delete(Bytes.utf8("c"), 2));
    DiskListing listing = store.showDisk();
    assertEquals(List.of("L0", "L1", "L2", "L3"), List.copyOf(listing.levels().keySet()));
    assertEquals(1, listing.l0Count());
    var summary = listing.levels().get("L0").get(0);
    assertEquals(Long.toString(t.fileNumber()), summary.fileId());
    assertEquals(2, summary.recordCount());
    assertEquals(1, summary.tombstoneCount());
    assertEquals(ExactFilterPolicy.NAME, summary.filterPolicy());
    TableDetail detail = store.showDisk(summary.fileId());
    assertEquals(EntryKind.DELETE, detail.entries().get(1).op());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> store.showDisk("nope"));
    assertTrue(e.getMessage().contains("file numbers"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.showDisk("999"));
  }

  @Test
  void obsoleteTablesAreClosedAndDeleted() throws IOException {
    TableMeta t = install(0, put("a", 1, "x"));
    store.get(Bytes.utf8("a"), 10, null); // opens the reader
    store.versions().logAndApply(new VersionEdit().deleteFile(t));
    assertFalse(fs.exists(store.versions().tablePath(t.fileNumber())));
    assertNull(store.get(Bytes.utf8("a"), 10, null));
  }
}
