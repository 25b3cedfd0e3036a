/**
 * The compaction core: the jobs that write tables from merged, pruned input ({@link
 * io.kiwidb.compaction.Compactor}: flushes and compactions), the merging iterator the read path
 * shares ({@link io.kiwidb.compaction.InternalIterators}), and the level arithmetic the strategies
 * share ({@link io.kiwidb.compaction.Levels}). The strategies ({@code leveled}, {@code tiered}) are
 * separate modules that only provide {@link io.kiwidb.api.spi.CompactionStrategy}. The merge
 * machinery ({@code io.kiwidb.compaction.merge}) is not exported. See {@code docs/compaction.md}.
 */
module io.kiwidb.compaction {
  requires transitive io.kiwidb.api;
  requires io.kiwidb.sstable;

  exports io.kiwidb.compaction to
      io.kiwidb.compaction.leveled,
      io.kiwidb.compaction.tiered,
      io.kiwidb.engine;
}
