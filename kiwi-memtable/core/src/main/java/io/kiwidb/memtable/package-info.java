/**
 * The engine's view of its memtables: {@link io.kiwidb.memtable.MemTableSet} (active memtable plus
 * the queue awaiting flush, back-pressure, show views). Exported only to the engine and the
 * benchmarks; the memtable implementations live in non-exported packages and are found through
 * {@link io.kiwidb.api.spi.MemTableFactory}.
 */
package io.kiwidb.memtable;
