/** Block-based tables, filters, the block cache, and the manifest with its levels. */
module io.kiwidb.sstable {
  requires transitive io.kiwidb.api;
  requires com.github.benmanes.caffeine;

  // Exports are added (qualified, to the modules that use them) as the package fills.
  exports io.kiwidb.sstable.manifest to
      io.kiwidb.compaction,
      io.kiwidb.engine,
      io.kiwidb.bench;
}
