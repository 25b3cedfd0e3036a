package io.kiwidb.engine;

import io.kiwidb.api.ConfigChange;
import io.kiwidb.engine.config.ConfigListener;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.sstable.TableOptions;

/**
 * Applies config changes to the running engine: memtable thresholds and back-pressure, block cache
 * sizes, the WAL sync mode, write-stall thresholds and the layout of new tables (block size, filter
 * false-positive rate). Compaction reads its options from the live config at each pick. Keys the
 * registry marks reopen-only are persisted and reported as such.
 */
final class LiveConfig implements ConfigListener {
  private final EngineCore core;

  LiveConfig(EngineCore core) {
    this.core = core;
  }

  @Override
  public void configChanged(ConfigChange change, EngineConfig c) {
    EngineParts parts = core.parts;
    parts.memTables.setOptions(EngineOpener.memTableOptions(c));
    parts
        .tables
        .blockCache()
        .resize(c.cacheDataEntryLimit(), c.cacheIndexEntryLimit(), c.cacheBloomEntryLimit());
    parts.wal.setSyncMode(EngineOpener.syncMode(c));
    parts.writeStall.setThresholds(c.l0SlowdownWritesThreshold(), c.l0StopWritesThreshold());
    TableOptions old = parts.tableOptions;
    parts.tableOptions =
        old.withBlockSize(c.blockSize())
            .withFilter(old.filterPolicy(), c.filterFalsePositiveRate());
    parts.flushPipeline.setWorkers(c.flushMaxWorkers());
    parts.compactions.setWorkers(c.compactionMaxWorkers());
    parts.compactions.wake();
  }
}
