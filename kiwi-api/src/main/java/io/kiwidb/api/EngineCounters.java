package io.kiwidb.api;

/**
 * Cumulative counters since the engine was opened, part of {@link EngineStats}.
 *
 * @param writes put, delete and batch operations applied
 * @param reads point lookups served
 * @param blockCacheHits block cache hits (data, index and filter blocks)
 * @param blockCacheMisses block cache misses
 * @param flushes memtables flushed to L0
 * @param bytesFlushed bytes of tables written by flushes
 * @param compactions compactions completed
 * @param bytesCompacted bytes of tables written by compactions
 * @param stallNanos total time writers spent slowed down or waiting
 * @param backgroundErrors background failures seen
 * @param leakedIterators iterators garbage-collected without being closed
 */
public record EngineCounters(
    long writes,
    long reads,
    long blockCacheHits,
    long blockCacheMisses,
    long flushes,
    long bytesFlushed,
    long compactions,
    long bytesCompacted,
    long stallNanos,
    long backgroundErrors,
    long leakedIterators) {}
