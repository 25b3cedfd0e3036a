/**
 * The engine and every stock implementation, for applications that want them all: requiring this
 * module (or putting its artifact on the class path) brings the engine, the {@code arena}, {@code
 * skiplist} and {@code redblack} memtables, the {@code bloom} and {@code ribbon} filters, {@code
 * lz4}, and {@code leveled} and {@code tiered} compaction. It holds no code.
 */
module io.kiwidb.defaults {
  requires transitive io.kiwidb.api;
  requires transitive io.kiwidb.engine;
  requires io.kiwidb.memtable.arena;
  requires io.kiwidb.memtable.skiplist;
  requires io.kiwidb.memtable.redblack;
  requires io.kiwidb.sstable.bloom;
  requires io.kiwidb.sstable.ribbon;
  requires io.kiwidb.sstable.lz4;
  requires io.kiwidb.compaction.leveled;
  requires io.kiwidb.compaction.tiered;
}
