package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableStoreOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SortedMapMemTable;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The storage half of the open sequence alone: the components come from mocked factories, so the
 * order of the steps, what recovery hands the memtables, and what a failure at each step closes are
 * all visible.
 */
class StorageOpenerTest {
  private static final Path ROOT = Path.of("/db");
  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private final DataDirectory dir = DataDirectory.open(fs, ROOT);
  private final StorageFactories factories = mock(StorageFactories.class);
  private final TableStore tables = mock(TableStore.class);
  private final WriteAheadLog wal = mock(WriteAheadLog.class);
  private final MemTableSet memTables =
      MemTableSet.create(
          SortedMapMemTable.factory("sorted-map"), StorageOpener.memTableOptions(config()));

  private static EngineConfig config() {
    return EngineConfig.defaults();
  }

  private StorageOpener opener() {
    FilterPolicy none = mock(FilterPolicy.class);
    when(none.name()).thenReturn("none");
    Compressor raw = mock(Compressor.class);
    when(raw.name()).thenReturn("none");
    when(raw.id()).thenReturn(0);
    return new StorageOpener(
        fs,
        WriteAccess.readWrite(Path.of("/db")),
        dir,
        config(),
        SortedMapMemTable.factory("sorted-map"),
        none,
        raw,
        TableCodecs.of(List.of(), List.of()),
        factories);
  }

  StorageOpenerTest() {
    when(factories.memTables(any(), any())).thenReturn(memTables);
    when(factories.tables(any(), any(), any())).thenReturn(tables);
    when(factories.wal(any(), any(), any(), anyLong())).thenReturn(wal);
    when(tables.manifestName()).thenReturn("MANIFEST-000001");
    when(tables.orphansAboveLastSequence()).thenReturn(Map.of());
  }

  @AfterEach
  void unlock() {
    dir.close();
  }

  private static WalBatch put(String k) {
    return WalBatch.of(List.of(new WriteBatch.Operation(false, b(k), b("v-" + k))), 0);
  }

  /** A replay that hands the visitor one-put records at {@code seqs} from one segment. */
  private void replayDelivers(long... seqs) {
    when(factories.replay(any(), any(), any(), anyLong(), any()))
        .thenAnswer(
            i -> {
              WalReplay.Visitor v = i.getArgument(4);
              for (long s : seqs) {
                v.record(s, put("k" + s));
              }
              long first = seqs.length == 0 ? 0 : seqs[0];
              long last = seqs.length == 0 ? 0 : seqs[seqs.length - 1];
              return new WalReplay.Result(
                  List.of(
                      new WalReplay.Segment(
                          1,
                          ROOT.resolve("wal/000001.log"),
                          seqs.length,
                          seqs.length,
                          first,
                          last,
                          100,
                          100)),
                  List.of(),
                  seqs.length,
                  seqs.length,
                  last,
                  Optional.empty());
            });
  }

  @Test
  void opensMemtablesThenTablesThenReplaysWhatTablesLackThenOpensTheLog() {
    when(tables.lastSequence()).thenReturn(10L);
    replayDelivers(9, 10, 11, 12);
    Storage s = opener().open();
    InOrder order = inOrder(factories);
    order.verify(factories).memTables(any(), any());
    ArgumentCaptor<TableStoreOptions> options = ArgumentCaptor.forClass(TableStoreOptions.class);
    order.verify(factories).tables(eq(fs), eq(ROOT), options.capture());
    order
        .verify(factories)
        .replay(
            eq(fs), eq(dir.walDir()), eq(RecoveryMode.fromConfig("point_in_time")), eq(10L), any());
    order.verify(factories).wal(eq(fs), eq(dir.walDir()), any(), eq(12L));
    assertEquals(config().maxLevels() + 1, options.getValue().levelCount());
    assertNull(options.getValue().tableOptions().filterPolicy(), "filter_policy none: no filter");
    assertEquals(12, s.lastSequence());
    assertSame(tables, s.tables());
    assertSame(wal, s.wal());
    // Records at or below the tables' last sequence were flushed already: skipped.
    assertNull(memTables.get(b("k10"), Long.MAX_VALUE >>> 8));
    assertEquals(
        "v-k11", EngineTestSupport.s(memTables.get(b("k11"), Long.MAX_VALUE >>> 8).value()));
    assertEquals(2, memTables.activeSummary().entryCount());
    verify(tables, never()).close();
  }

  @Test
  void aGapBetweenTablesAndTheOldestLogRecordRefusesToOpenAndClosesTheTables() {
    when(tables.lastSequence()).thenReturn(10L);
    replayDelivers(15, 16);
    CorruptionException e = assertThrows(CorruptionException.class, () -> opener().open());
    assertTrue(e.getMessage().contains("the manifest lost edits"), e.getMessage());
    assertEquals("MANIFEST-000001", e.file());
    verify(tables).close();
    verify(factories, never()).wal(any(), any(), any(), anyLong());
  }

  @Test
  void anOrphanTableBeyondManifestAndLogRefusesToOpenAndIsKept() {
    when(tables.lastSequence()).thenReturn(10L);
    when(tables.orphansAboveLastSequence()).thenReturn(Map.of(7L, 30L));
    when(tables.tablePath(7)).thenReturn(ROOT.resolve("sst/000007.sst"));
    replayDelivers(11, 12);
    CorruptionException e = assertThrows(CorruptionException.class, () -> opener().open());
    assertTrue(e.getMessage().contains("000007.sst is in no version"), e.getMessage());
    verify(tables, never()).deleteOrphanTables();
    verify(tables).close();
  }

  @Test
  void anOrphanTableTheLogCoversIsALeftoverAndIsDeleted() {
    when(tables.lastSequence()).thenReturn(10L);
    when(tables.orphansAboveLastSequence()).thenReturn(Map.of(7L, 12L));
    replayDelivers(11, 12);
    opener().open();
    verify(tables).deleteOrphanTables();
  }

  @Test
  void aLogThatCannotOpenClosesTheTables() {
    replayDelivers();
    KiwiIOException full = new KiwiIOException("create segment", new java.io.IOException("full"));
    when(factories.wal(any(), any(), any(), anyLong())).thenThrow(full);
    assertSame(full, assertThrows(KiwiIOException.class, () -> opener().open()));
    verify(tables).close();
  }

  @Test
  void tablesThatCannotOpenLeaveNothingToClose() {
    CorruptionException bad = new CorruptionException("MANIFEST-000001", 0, "bad record");
    when(factories.tables(any(), any(), any())).thenThrow(bad);
    assertSame(bad, assertThrows(CorruptionException.class, () -> opener().open()));
    verify(factories, never()).replay(any(), any(), any(), anyLong(), any());
    verify(factories, never()).wal(any(), any(), any(), anyLong());
  }
}
