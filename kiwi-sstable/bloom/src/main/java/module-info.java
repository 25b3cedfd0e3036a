/**
 * A blocked Bloom filter (filter_policy = bloom, the default). Provides {@link
 * io.kiwidb.api.spi.FilterPolicy}; exports nothing.
 */
module io.kiwidb.sstable.bloom {
  requires io.kiwidb.api;
  requires io.kiwidb.sstable;

  provides io.kiwidb.api.spi.FilterPolicy with
      io.kiwidb.sstable.bloom.BloomFilterPolicy;
}
