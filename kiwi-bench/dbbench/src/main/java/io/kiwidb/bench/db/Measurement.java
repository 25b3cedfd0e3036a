package io.kiwidb.bench.db;

/**
 * One workload run by one engine in one round.
 *
 * @param round the round (0-based; -1 for the warm-up)
 * @param engine the engine's label
 * @param workload the workload's label ({@link WorkloadSpec#label()})
 * @param threads the threads that ran it
 * @param num keys in the key space of the run
 * @param method how the store was left between workloads ({@link Method#label()})
 * @param ops operations completed (entries visited, for scans)
 * @param nanos wall-clock time of the measured phase
 * @param bytes key and value bytes written or returned
 * @param found reads that found a value (0 for writes)
 * @param p50Nanos median latency of one operation (of one batch, for batched writes)
 * @param p99Nanos 99th percentile latency
 * @param p999Nanos 99.9th percentile latency
 * @param maxNanos the longest operation
 * @param diskBytes store size after a write workload (settled: after flush and compaction), or -1
 * @param writeAmp table bytes written by flush and compaction per user byte written, or NaN
 * @param writeAmpWithWal as {@code writeAmp}, with the write-ahead log's bytes added, or NaN when
 *     the engine does not report them
 * @param spaceAmp disk bytes over the key and value bytes of the live keys, or NaN
 * @param heapPeakBytes peak Java heap over the workload (sum of the pools' peaks)
 * @param rssPeakBytes peak resident set of the process over the workload, or -1
 */
record Measurement(
    int round,
    String engine,
    String workload,
    int threads,
    long num,
    String method,
    long ops,
    long nanos,
    long bytes,
    long found,
    long p50Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos,
    long diskBytes,
    double writeAmp,
    double writeAmpWithWal,
    double spaceAmp,
    long heapPeakBytes,
    long rssPeakBytes) {

  /** Operations per second. */
  double opsPerSec() {
    return nanos == 0 ? 0 : ops * 1e9 / nanos;
  }

  /** Megabytes (10^6) of keys and values per second, as db_bench reports. */
  double mbPerSec() {
    return nanos == 0 ? 0 : bytes * 1e3 / nanos;
  }
}
