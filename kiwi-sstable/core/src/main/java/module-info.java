/**
 * The table core: block-based tables, the block cache, and the manifest with its levels; the {@code
 * none} filter and codec; and the hashing and header plumbing the filter modules ({@code bloom},
 * {@code ribbon}) share. Filters and codecs with real work to do are separate modules.
 */
module io.kiwidb.sstable {
  requires transitive io.kiwidb.api;
  requires com.github.benmanes.caffeine;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time

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
  exports io.kiwidb.sstable.filter to
      io.kiwidb.sstable.bloom,
      io.kiwidb.sstable.ribbon,
      io.kiwidb.bench;

  provides io.kiwidb.api.spi.Compressor with
      io.kiwidb.sstable.compress.NoCompressor;
  provides io.kiwidb.api.spi.FilterPolicy with
      io.kiwidb.sstable.filter.NoFilterPolicy;
}
