/**
 * A db_bench-style runner: kiwi-db and RocksDB (RocksJava, twice: at its defaults and configured
 * like kiwi) through one {@link io.kiwidb.bench.db.DbAdapter} interface, interleaved in one run on
 * the same disk with equal durability. Entry point {@link io.kiwidb.bench.db.DbBench}, launcher
 * {@code bench/dbbench}; results in {@code docs/benchmarks.md}.
 */
package io.kiwidb.bench.db;
