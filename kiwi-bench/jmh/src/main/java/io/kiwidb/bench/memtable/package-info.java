/**
 * Memtable benchmarks: inserts, gets and heap per entry against a ConcurrentSkipListMap baseline.
 */
package io.kiwidb.bench.memtable;
