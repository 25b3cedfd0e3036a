/**
 * The memtable core: {@code MemTableSet} (the engine's active memtable plus its flush queue),
 * recovery's bulk loading, and the node and sizing helpers the implementation modules share. The
 * implementations themselves ({@code skiplist}, {@code redblack}, {@code arena}) are separate
 * modules that only provide {@link io.kiwidb.api.spi.MemTableFactory}.
 */
module io.kiwidb.memtable {
  requires io.kiwidb.api;
  // HeapLayout reads the VM's object layout flags for size accounting.
  requires jdk.management;

  exports io.kiwidb.memtable to
      io.kiwidb.engine;
  exports io.kiwidb.memtable.heap to
      io.kiwidb.memtable.skiplist,
      io.kiwidb.memtable.redblack,
      io.kiwidb.memtable.arena;
}
