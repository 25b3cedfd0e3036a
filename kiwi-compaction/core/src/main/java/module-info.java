/**
 * The compaction core: the merge logic that compaction and the engine's scans share ({@code
 * MergingIterator}, {@code LevelIterator}, {@code VersionPruningIterator}), output splitting, and
 * the level arithmetic the strategies share. The strategies ({@code leveled}, {@code tiered}) are
 * separate modules that only provide {@link io.kiwidb.api.spi.CompactionStrategy}. See {@code
 * docs/compaction.md}.
 */
module io.kiwidb.compaction {
  requires transitive io.kiwidb.api;
  requires io.kiwidb.sstable;

  exports io.kiwidb.compaction to
      io.kiwidb.compaction.leveled,
      io.kiwidb.compaction.tiered,
      io.kiwidb.engine,
      io.kiwidb.bench;
}
