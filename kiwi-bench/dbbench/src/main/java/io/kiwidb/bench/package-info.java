/** Benchmarks, side by side with RocksDB. See {@code docs/benchmarks.md}. */
package io.kiwidb.bench;
