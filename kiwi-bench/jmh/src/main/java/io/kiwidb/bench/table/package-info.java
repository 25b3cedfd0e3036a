/** Table-level benchmarks: kiwi-db tables against RocksDB's block-based tables in one run. */
package io.kiwidb.bench.table;
