package io.kiwidb.engine;

import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.engine.config.ConfigKeys;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.BlockCacheStats;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableVersion;
import io.kiwidb.wal.WriteAheadLog;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's inspection views: {@code stats}, {@code show_mem}, {@code show_disk}, the compaction
 * activity and the config, read off the components without changing them.
 *
 * <p>Thread safety: safe from any thread; each view is consistent per component, not across them.
 */
final class Inspector {
  private final DataDirectory dir;
  private final MemTableSet memTables;
  private final TableStore tables;
  private final WriteAheadLog wal;
  private final Sequencer sequencer;
  private final Counters counters;
  private final CompactionHistory history;
  private final ConfigStore config;

  @Inject
  Inspector(
      DataDirectory dir,
      MemTableSet memTables,
      TableStore tables,
      WriteAheadLog wal,
      Sequencer sequencer,
      Counters counters,
      CompactionHistory history,
      ConfigStore config) {
    this.dir = dir;
    this.memTables = memTables;
    this.tables = tables;
    this.wal = wal;
    this.sequencer = sequencer;
    this.counters = counters;
    this.history = history;
    this.config = config;
  }

  EngineStats stats() {
    MemTableSummary active = memTables.activeSummary();
    List<String> snapshotIds = new ArrayList<>();
    long memEntries = active.entryCount();
    for (MemTableSummary s : memTables.immutableSummaries()) {
      snapshotIds.add(s.snapshotId());
      memEntries += s.entryCount();
    }
    long tableEntries = 0;
    try (TableVersion v = tables.acquire()) {
      for (int level = 0; level < v.levelCount(); level++) {
        for (TableMeta t : v.level(level)) {
          tableEntries += t.entryCount() - t.tombstoneCount();
        }
      }
    }
    BlockCacheStats cache = tables.cacheStats();
    return new EngineStats(
        active.entryCount(),
        sequencer.visible(),
        wal.liveEntryCount(),
        dir.root().toString(),
        active.tableId(),
        active.sizeBytes(),
        snapshotIds.size(),
        snapshotIds,
        tables.l0Count(),
        counters.snapshot(cache.hits(), cache.misses(), wal.bytesWritten()),
        implementations(config.effective()),
        memEntries + tableEntries);
  }

  /** The implementation names in use, by config key ({@code memtable_impl} applies from open). */
  static Map<String, String> implementations(EngineConfig c) {
    Map<String, String> names = new LinkedHashMap<>();
    names.put(ConfigKeys.MEMTABLE_IMPL.name(), c.memtableImpl());
    names.put(ConfigKeys.FILTER_POLICY.name(), c.filterPolicy());
    names.put(ConfigKeys.COMPACTION_STRATEGY.name(), c.compactionStrategy());
    names.put(ConfigKeys.COMPRESSION.name(), c.compression());
    return names;
  }

  MemListing showMem() {
    return memTables.listing();
  }

  Optional<MemTableDetail> showMem(String tableId) {
    return memTables.detail(tableId, Integer.MAX_VALUE);
  }

  DiskListing showDisk() {
    return tables.showDisk();
  }

  TableDetail showDisk(String fileId) {
    return tables.showDisk(fileId);
  }

  CompactionActivity compactions() {
    return history.snapshot();
  }

  Map<String, Object> configMap() {
    return config.current().asMap();
  }
}
