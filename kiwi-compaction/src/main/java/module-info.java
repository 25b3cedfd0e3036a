/**
 * Compaction: the {@code leveled} and {@code tiered} pickers (pure functions of a level view,
 * registered as {@link io.kiwidb.api.spi.CompactionStrategy} providers), and the merge logic that
 * compaction and the engine's scans share ({@code MergingIterator}, {@code LevelIterator}, {@code
 * VersionPruningIterator}). See {@code docs/compaction.md}.
 */
module io.kiwidb.compaction {
  requires transitive io.kiwidb.api;
  requires io.kiwidb.sstable;

  exports io.kiwidb.compaction to
      io.kiwidb.engine,
      io.kiwidb.bench;

  provides io.kiwidb.api.spi.CompactionStrategy with
      io.kiwidb.compaction.LeveledCompaction,
      io.kiwidb.compaction.TieredCompaction;
}
