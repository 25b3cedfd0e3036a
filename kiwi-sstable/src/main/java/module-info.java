/** Block-based tables, filters, the block cache, and the manifest with its levels. */
module io.kiwidb.sstable {
  requires transitive io.kiwidb.api;
  requires com.github.benmanes.caffeine;

  provides io.kiwidb.api.spi.FilterPolicy with
      io.kiwidb.sstable.filter.BloomFilterPolicy,
      io.kiwidb.sstable.filter.NoFilterPolicy,
      io.kiwidb.sstable.filter.RibbonFilterPolicy;
// Exports are added (qualified, to the modules that use them) as the package fills.
}
