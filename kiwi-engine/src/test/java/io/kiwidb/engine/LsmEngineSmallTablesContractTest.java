package io.kiwidb.engine;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.StorageEngineContract;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link LsmEngine} with the other implementation of every SPI (red-black memtable, ribbon filter,
 * tiered compaction, lz4) and memtables of 32 entries, so the contract's writes cross many flushes
 * and compactions.
 */
class LsmEngineSmallTablesContractTest extends StorageEngineContract {
  @Override
  protected StorageEngine open(Path dataRoot) {
    EngineTestSupport.writeConfig(
        FileSystems.local(),
        dataRoot,
        Map.of(
            "max_memtable_entries", 32,
            "l0_compaction_threshold", 2,
            "memtable_impl", "redblack",
            "filter_policy", "ribbon",
            "compaction_strategy", "tiered",
            "compression", "lz4"));
    return LsmEngine.open(FileSystems.local(), dataRoot, null);
  }
}
