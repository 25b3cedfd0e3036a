/**
 * A Ribbon filter: about 30% smaller than Bloom at the same false-positive rate (filter_policy =
 * ribbon). Provides {@link io.kiwidb.api.spi.FilterPolicy}; exports nothing.
 */
module io.kiwidb.sstable.ribbon {
  requires io.kiwidb.api;
  requires io.kiwidb.sstable;

  provides io.kiwidb.api.spi.FilterPolicy with
      io.kiwidb.sstable.ribbon.RibbonFilterPolicy;
}
