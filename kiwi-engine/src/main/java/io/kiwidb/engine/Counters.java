package io.kiwidb.engine;

import io.kiwidb.api.EngineCounters;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's cumulative counters. {@link LongAdder}s, because writers and readers on many threads
 * bump them on every call.
 *
 * <p>Thread safety: safe from any thread; {@link #snapshot} is not atomic across counters.
 */
final class Counters {
  final LongAdder writes = new LongAdder();
  final LongAdder reads = new LongAdder();
  final LongAdder flushes = new LongAdder();
  final LongAdder bytesFlushed = new LongAdder();
  final LongAdder compactions = new LongAdder();
  final LongAdder bytesCompacted = new LongAdder();
  final LongAdder stallNanos = new LongAdder();
  final LongAdder backgroundErrors = new LongAdder();
  final LongAdder leakedIterators = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();

  /** Creates zeroed counters. */
  @Inject
  Counters() {}

  /** The counters as the API record, with the block cache's and the WAL's figures. */
  EngineCounters snapshot(long cacheHits, long cacheMisses, long walBytes) {
    return new EngineCounters(
        writes.sum(),
        reads.sum(),
        cacheHits,
        cacheMisses,
        flushes.sum(),
        bytesFlushed.sum(),
        compactions.sum(),
        bytesCompacted.sum(),
        stallNanos.sum(),
        backgroundErrors.sum(),
        leakedIterators.sum(),
        bytesWritten.sum(),
        walBytes);
  }
}
