/**
 * A skip list memtable laid out in int[] and byte[] arenas (memtable_impl = arena, the default).
 * Provides {@link io.kiwidb.api.spi.MemTableFactory}; exports nothing.
 */
module io.kiwidb.memtable.arena {
  requires io.kiwidb.api;
  requires io.kiwidb.memtable;

  provides io.kiwidb.api.spi.MemTableFactory with
      io.kiwidb.memtable.arena.ArenaSkipListMemTableFactory;
}
