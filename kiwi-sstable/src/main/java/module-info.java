/** Block-based tables, filters, the block cache, and the manifest with its levels. */
module io.kiwidb.sstable {
  requires transitive io.kiwidb.api;
  requires com.github.benmanes.caffeine;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time
  requires org.lz4.java; // automatic module (at.yawk.lz4:lz4-java)

  exports io.kiwidb.sstable to
      io.kiwidb.compaction,
      io.kiwidb.engine,
      io.kiwidb.bench;
  exports io.kiwidb.sstable.manifest to
      io.kiwidb.compaction,
      io.kiwidb.engine,
      io.kiwidb.bench;
  exports io.kiwidb.sstable.store to
      io.kiwidb.engine,
      io.kiwidb.bench;

  provides io.kiwidb.api.spi.Compressor with
      io.kiwidb.sstable.compress.NoCompressor,
      io.kiwidb.sstable.compress.Lz4Compressor;
  provides io.kiwidb.api.spi.FilterPolicy with
      io.kiwidb.sstable.filter.BloomFilterPolicy,
      io.kiwidb.sstable.filter.NoFilterPolicy,
      io.kiwidb.sstable.filter.RibbonFilterPolicy;
}
