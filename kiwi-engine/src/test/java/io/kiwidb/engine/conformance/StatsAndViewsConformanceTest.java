package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.TableSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reference's {@code stats()} ({@code EngineStats}), {@code show_mem} and {@code show_disk}.
 */
class StatsAndViewsConformanceTest extends EngineFixture {

  @Test
  @DisplayName(
      "stats: EngineStats(key_count, seq, wal_entry_count, data_root, active_table_id,"
          + " active_size_bytes, immutable_queue_len, immutable_snapshots, l0_sstable_count)")
  void statsReportsTheNineReferenceFields() {
    open(Map.of("max_memtable_entries", 1000));
    engine.put(b("a"), b("1"));
    engine.flush();
    awaitFlushed(1);
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("b"), b("2"));
    engine.flush(); // held in the immutable queue
    engine.put(b("c"), b("3"));
    engine.delete(b("d"));
    EngineStats st = engine.stats();
    assertEquals(2, st.keyCount(), "key_count: entries in the active memtable");
    assertEquals(4, st.seq(), "seq: the highest generated");
    assertTrue(st.walEntryCount() >= 3, "wal_entry_count: entries in live WAL segments");
    assertEquals(root.toString(), st.dataRoot());
    assertEquals(engine.showMem().active().tableId(), st.activeTableId());
    assertTrue(st.activeTableId().matches("[0-9a-f]{32}"), "a UUID hex: " + st.activeTableId());
    assertEquals(engine.showMem().active().sizeBytes(), st.activeSizeBytes());
    assertTrue(st.activeSizeBytes() > 0);
    assertEquals(1, st.immutableQueueLen());
    assertEquals(
        List.of(engine.showMem().immutable().get(0).snapshotId()), st.immutableSnapshots());
    assertEquals(1, st.l0SstableCount());
  }

  @Test
  @DisplayName("stats: wal_entry_count without re-reading the log (reference: len(wal.replay()))")
  void statsDoesNotReadTheLog() {
    open();
    for (int i = 0; i < 20; i++) {
      engine.put(b("k" + i), b("v"));
    }
    fs.clearOps();
    assertEquals(20, engine.stats().walEntryCount());
    assertEquals(List.of(), fs.ops(walDir().toString()), "no WAL file touched");
  }

  @Test
  @DisplayName(
      "show_mem: listing mode {active: {table_id, entry_count, ...}, immutable: [{snapshot_id,"
          + " ...}]}")
  void showMemListing() {
    open();
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("a"), b("1"));
    engine.flush();
    engine.put(b("b"), b("2"));
    engine.put(b("c"), b("3"));
    MemListing listing = engine.showMem();
    assertEquals(2, listing.active().entryCount());
    assertNull(listing.active().snapshotId(), "the active memtable has no snapshot id");
    assertEquals(1, listing.immutable().size());
    assertEquals(1, listing.immutable().get(0).entryCount());
    assertTrue(listing.immutable().get(0).snapshotId().matches("[0-9a-f]{32}"));
  }

  @Test
  @DisplayName(
      "show_mem: detail mode {type: active|immutable, table_id, entries: [{key, seq, ...}]}")
  void showMemDetail() {
    open();
    fs.holdSyncs(ObservedFileSystem.under(sstDir()));
    engine.put(b("b"), b("1"));
    engine.delete(b("a"));
    engine.flush();
    engine.put(b("c"), b("3"));
    MemListing listing = engine.showMem();
    MemTableDetail frozen = engine.showMem(listing.immutable().get(0).snapshotId());
    assertEquals("immutable", frozen.type());
    assertEquals(listing.immutable().get(0).tableId(), frozen.tableId());
    assertEquals(List.of("a", "b"), frozen.entries().stream().map(e -> s(e.key())).toList());
    assertEquals(EntryKind.DELETE, frozen.entries().get(0).op());
    assertEquals(2, frozen.entries().get(0).seq());
    MemTableDetail active = engine.showMem(listing.active().tableId());
    assertEquals("active", active.type());
    assertEquals("3", s(active.entries().get(0).value()));
    assertThrows(IllegalArgumentException.class, () -> engine.showMem("no-such-id"));
  }

  @Test
  @DisplayName(
      "show_disk: listing mode {\"L0\": [{file_id, record_count, ...}]} and detail mode"
          + " {file_id, entries}")
  void showDiskListingAndDetail() {
    open();
    engine.put(b("a"), b("1"));
    engine.delete(b("b"));
    engine.flush();
    awaitFlushed(1);
    engine.put(b("c"), b("2"));
    engine.flush();
    awaitFlushed(2);
    DiskListing listing = engine.showDisk();
    List<TableSummary> l0 = listing.levels().get("L0");
    assertEquals(2, l0.size());
    assertTrue(l0.get(0).maxSeq() > l0.get(1).maxSeq(), "L0 newest first");
    TableSummary older = l0.get(1);
    assertEquals(2, older.recordCount());
    assertEquals(1, older.tombstoneCount());
    assertEquals("bloom", older.filterPolicy());
    TableDetail detail = engine.showDisk(older.fileId());
    assertEquals(older.fileId(), detail.summary().fileId());
    assertEquals(List.of("a", "b"), detail.entries().stream().map(e -> s(e.key())).toList());
    assertEquals(EntryKind.DELETE, detail.entries().get(1).op());
    assertThrows(IllegalArgumentException.class, () -> engine.showDisk("999999"));
  }
}
