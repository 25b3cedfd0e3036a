/**
 * The table core: block-based tables, the block cache, and the manifest with its levels, behind
 * {@link io.kiwidb.sstable.TableStore}; the {@code none} filter and codec; and the hashing and
 * header plumbing the filter modules ({@code bloom}, {@code ribbon}) share.
 *
 * <p>The engine and the compaction core see the interfaces and records of {@code io.kiwidb.sstable}
 * only; the table format ({@code .table}), the manifest ({@code .manifest}) and the store ({@code
 * .store}) are not exported.
 */
module io.kiwidb.sstable {
  requires transitive io.kiwidb.api;
  requires com.github.benmanes.caffeine;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time

  exports io.kiwidb.sstable to
      io.kiwidb.compaction,
      io.kiwidb.engine;
  exports io.kiwidb.sstable.filter to
      io.kiwidb.sstable.bloom,
      io.kiwidb.sstable.ribbon;

  provides io.kiwidb.api.spi.Compressor with
      io.kiwidb.sstable.compress.NoCompressor;
  provides io.kiwidb.api.spi.FilterPolicy with
      io.kiwidb.sstable.filter.NoFilterPolicy;
}
