/**
 * Leveled compaction: each level a sorted run ten times the size of the one above
 * (compaction_strategy = leveled, the default). Provides {@link
 * io.kiwidb.api.spi.CompactionStrategy}; exports nothing.
 */
module io.kiwidb.compaction.leveled {
  requires io.kiwidb.api;
  requires io.kiwidb.compaction;

  provides io.kiwidb.api.spi.CompactionStrategy with
      io.kiwidb.compaction.leveled.LeveledCompaction;
}
