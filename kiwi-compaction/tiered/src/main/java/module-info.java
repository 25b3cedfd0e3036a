/**
 * Tiered (size-tiered) compaction: merges runs of similar size, fewer rewrites for write-heavy
 * stores (compaction_strategy = tiered). Provides {@link io.kiwidb.api.spi.CompactionStrategy};
 * exports nothing.
 */
module io.kiwidb.compaction.tiered {
  requires io.kiwidb.api;
  requires io.kiwidb.compaction;

  provides io.kiwidb.api.spi.CompactionStrategy with
      io.kiwidb.compaction.tiered.TieredCompaction;
}
