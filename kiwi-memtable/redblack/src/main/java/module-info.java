/**
 * A persistent red-black tree memtable (memtable_impl = redblack). Provides {@link
 * io.kiwidb.api.spi.MemTableFactory}; exports nothing.
 */
module io.kiwidb.memtable.redblack {
  requires io.kiwidb.api;
  requires io.kiwidb.memtable;

  provides io.kiwidb.api.spi.MemTableFactory with
      io.kiwidb.memtable.redblack.RedBlackTreeMemTableFactory;
}
