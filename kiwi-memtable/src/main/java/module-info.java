/**
 * Memtables: a single-writer lock-free-reader skip list with a Java object per node ({@code
 * skiplist}, the default), the same list laid out in {@code long[]} chunks ({@code arena}) and a
 * persistent red-black tree ({@code redblack}), found through {@code provides}; and {@code
 * MemTableSet}, the engine's active memtable plus flush queue, exported to the engine only.
 */
module io.kiwidb.memtable {
  requires io.kiwidb.api;
  // HeapLayout reads the VM's object layout flags for size accounting.
  requires jdk.management;

  exports io.kiwidb.memtable to
      io.kiwidb.engine,
      io.kiwidb.bench;

  provides io.kiwidb.api.spi.MemTableFactory with
      io.kiwidb.memtable.skiplist.SkipListMemTableFactory,
      io.kiwidb.memtable.redblack.RedBlackTreeMemTableFactory,
      io.kiwidb.memtable.arena.ArenaSkipListMemTableFactory;
}
