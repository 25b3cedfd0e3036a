/**
 * A single-writer, lock-free-reader skip list memtable with a Java object per node (memtable_impl =
 * skiplist). Provides {@link io.kiwidb.api.spi.MemTableFactory}; exports nothing.
 */
module io.kiwidb.memtable.skiplist {
  requires io.kiwidb.api;
  requires io.kiwidb.memtable;

  provides io.kiwidb.api.spi.MemTableFactory with
      io.kiwidb.memtable.skiplist.SkipListMemTableFactory;
}
