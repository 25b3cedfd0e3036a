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
 * @param bytesWritten user bytes accepted by writes (key plus value of every put, key of every
 *     delete): the denominator of write amplification
 * @param walBytesWritten bytes appended to the write-ahead log (record framing included)
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
    long leakedIterators,
    long bytesWritten,
    long walBytesWritten) {

  /**
   * Write amplification since open: bytes the store wrote to disk (write-ahead log, flushes and
   * compactions) per user byte written; 0 before the first write.
   */
  public double writeAmplification() {
    return bytesWritten == 0
        ? 0
        : (double) (walBytesWritten + bytesFlushed + bytesCompacted) / bytesWritten;
  }
}
