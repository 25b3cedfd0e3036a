package io.kiwidb.engine;

import io.kiwidb.api.ConfigChange;
import io.kiwidb.engine.config.ConfigListener;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.TableStore;
import jakarta.inject.Inject;

/**
 * Applies config changes to the running engine: memtable thresholds and back-pressure, block cache
 * sizes, the WAL sync mode, write-stall thresholds, the layout of new tables (block size, filter
 * false-positive rate) and the worker counts. Compaction reads its options from the live config at
 * each pick. Keys the registry marks reopen-only are persisted and reported as such.
 *
 * <p>Thread safety: the config store calls it under its own lock, one change at a time.
 */
final class LiveConfig implements ConfigListener {
  private final MemTableSet memTables;
  private final TableStore tables;
  private final WalSyncPolicy syncPolicy;
  private final WriteStall stall;
  private final FlushPipeline flushes;
  private final CompactionScheduler compactions;

  @Inject
  LiveConfig(
      MemTableSet memTables,
      TableStore tables,
      WalSyncPolicy syncPolicy,
      WriteStall stall,
      FlushPipeline flushes,
      CompactionScheduler compactions) {
    this.memTables = memTables;
    this.tables = tables;
    this.syncPolicy = syncPolicy;
    this.stall = stall;
    this.flushes = flushes;
    this.compactions = compactions;
  }

  @Override
  public void configChanged(ConfigChange change, EngineConfig c) {
    memTables.setOptions(StorageOpener.memTableOptions(c));
    tables.resizeCache(c.cacheDataEntryLimit(), c.cacheIndexEntryLimit(), c.cacheBloomEntryLimit());
    syncPolicy.set(WalSyncPolicy.syncMode(c));
    stall.setThresholds(c.l0SlowdownWritesThreshold(), c.l0StopWritesThreshold());
    TableOptions old = tables.tableOptions();
    tables.setTableOptions(
        old.withBlockSize(c.blockSize())
            .withFilter(old.filterPolicy(), c.filterFalsePositiveRate()));
    flushes.setWorkers(c.flushMaxWorkers());
    compactions.setWorkers(c.compactionMaxWorkers());
    compactions.levelsChanged();
  }
}
