package io.kiwidb.compaction.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.sstable.TableVersion;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.ListInternalIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flush and compaction jobs on a real table store in memory: what they write, what they drop,
 * what they install, and what a failure part-way leaves behind (nothing).
 */
class MergeJobTest {
  private static final Path ROOT = Path.of("/db");
  private final FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
  private final TableStore tables;
  private final Compactor jobs;

  MergeJobTest() throws IOException {
    fs.createDirectories(ROOT.resolve("sst"));
    tables = TableStore.open(fs, ROOT, TableStoreOptions.defaults(4));
    jobs = Compactor.create(tables);
  }

  @AfterEach
  void close() {
    tables.close();
  }

  private static InternalEntry put(String k, long seq, String v) {
    return InternalEntry.put(Bytes.utf8(k), seq, Bytes.utf8(v));
  }

  private static InternalEntry del(String k, long seq) {
    return InternalEntry.delete(Bytes.utf8(k), seq);
  }

  private TableMeta flushed(long lastSeq, InternalEntry... entries) throws IOException {
    TableMeta t = jobs.flush(new ListInternalIterator(List.of(entries)), List.of());
    tables.install(TableEdit.flush(t, lastSeq));
    return t;
  }

  private List<InternalEntry> contents(TableMeta t) {
    List<InternalEntry> out = new ArrayList<>();
    try (TableVersion v = tables.acquire();
        InternalIterator it = v.iterator(t)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(it.entry());
      }
    }
    return out;
  }

  private LevelView view() {
    try (TableVersion v = tables.acquire()) {
      return v.levelView(Set.of(), Map.of());
    }
  }

  @Test
  void aFlushKeepsTheNewestVersionAndEveryTombstoneUnlessASnapshotNeedsMore() throws IOException {
    List<InternalEntry> memtable = List.of(put("a", 3, "new"), put("a", 1, "old"), del("b", 2));
    TableMeta plain = jobs.flush(new ListInternalIterator(memtable), List.of());
    assertEquals(0, plain.level());
    assertEquals(List.of(put("a", 3, "new"), del("b", 2)), contentsOf(plain));
    TableMeta kept = jobs.flush(new ListInternalIterator(memtable), List.of(1L));
    assertEquals(
        List.of(put("a", 3, "new"), put("a", 1, "old"), del("b", 2)),
        contentsOf(kept),
        "a snapshot at 1 still sees the old value");
  }

  /** An uninstalled table is invisible to versions; read it through an edit installed now. */
  private List<InternalEntry> contentsOf(TableMeta t) {
    tables.install(new TableEdit(List.of(t), List.of(), -1));
    return contents(t);
  }

  @Test
  void aCompactionMergesNewestFirstDropsTombstonesAtTheBottomAndInstallsAtomically()
      throws IOException {
    TableMeta older = flushed(2, put("a", 1, "a1"), put("b", 2, "b1"));
    TableMeta newer = flushed(4, put("a", 3, "a2"), del("b", 4));
    CompactionPlan plan = new CompactionPlan(List.of(older, newer), 1, 1 << 20, "test");
    List<TableMeta> out = jobs.compact(plan, view(), List.of());
    assertEquals(1, out.size());
    assertEquals(1, out.get(0).level());
    assertEquals(
        List.of(put("a", 3, "a2")), contents(out.get(0)), "b's tombstone has nothing below");
    try (TableVersion v = tables.acquire()) {
      assertEquals(List.of(), v.level(0));
      assertEquals(1, v.level(1).size());
    }
    assertNull(tables.get(Bytes.utf8("b"), 10, null));
  }

  @Test
  void aTrivialMoveReLevelsTheFileWithoutRewritingIt() throws IOException {
    TableMeta t = flushed(1, put("a", 1, "x"));
    CompactionPlan move = new CompactionPlan(List.of(t), 1, 1 << 20, "move");
    long before = fs.count(FaultInjectingFileSystem.Op.MUTATING);
    List<TableMeta> out = jobs.compact(move, view(), List.of());
    assertEquals(List.of(t.atLevel(1)), out);
    assertEquals(t.fileNumber(), out.get(0).fileNumber(), "the same file");
    assertTrue(
        fs.count(FaultInjectingFileSystem.Op.MUTATING) - before <= 3,
        "only the manifest edit is written");
  }

  @Test
  void outputsAreCutAtTheTargetSizeBetweenUserKeys() throws IOException {
    List<InternalEntry> entries = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      entries.add(put(String.format("key%04d", i), i + 1, "v".repeat(100)));
    }
    TableMeta t = flushed(400, entries.toArray(new InternalEntry[0]));
    TableMeta other = flushed(401, put("key0000", 401, "last"));
    CompactionPlan plan = new CompactionPlan(List.of(t, other), 1, 8 << 10, "split");
    List<TableMeta> out = jobs.compact(plan, view(), List.of());
    assertTrue(out.size() >= 4, "cut into " + out.size());
    for (int i = 1; i < out.size(); i++) {
      assertTrue(
          io.kiwidb.api.spi.KeyOrder.compareKeys(
                  out.get(i - 1).largestKey(), out.get(i).smallestKey())
              < 0,
          "outputs own disjoint key ranges");
    }
  }

  @Test
  void aFailedOutputDeletesWhatTheJobWroteAndInstallsNothing() throws IOException {
    TableMeta a = flushed(1, put("a", 1, "x"));
    TableMeta b = flushed(2, put("b", 2, "y"));
    Set<Path> before = Set.copyOf(fs.list(ROOT.resolve("sst")));
    CompactionPlan plan = new CompactionPlan(List.of(a, b), 1, 1 << 20, "fails");
    fs.failAt(FaultInjectingFileSystem.Op.SYNC, 1, FaultInjectingFileSystem.Fault.TRANSIENT);
    Exception e = assertThrows(Exception.class, () -> jobs.compact(plan, view(), List.of()));
    assertTrue(
        e instanceof IOException || e instanceof io.kiwidb.api.KiwiIOException,
        "an I/O failure: " + e);
    assertEquals(before, Set.copyOf(fs.list(ROOT.resolve("sst"))), "no output left behind");
    try (TableVersion v = tables.acquire()) {
      assertEquals(2, v.level(0).size(), "the inputs are still live");
      assertTrue(v.level(1).isEmpty());
    }
    assertFalse(tables.get(Bytes.utf8("a"), 10, null) == null);
  }

  @Test
  void discardRefusesALiveTable() throws IOException {
    TableMeta live = flushed(1, put("a", 1, "x"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tables.discard(live));
    assertTrue(e.getMessage().contains("is live"), e.getMessage());
    assertTrue(fs.exists(tables.tablePath(live.fileNumber())));
  }
}
