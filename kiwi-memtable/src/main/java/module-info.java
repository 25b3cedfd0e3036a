/**
 * Memtables: a concurrent skip list ({@code skiplist}) and a red-black tree ({@code redblack}).
 * Exports nothing; the engine finds them through {@code provides}.
 */
module io.kiwidb.memtable {
  requires io.kiwidb.api;
}
