package io.kiwidb.kafka.streams;

import io.kiwidb.api.StorageEngine;
import java.time.Duration;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/** Test helpers shared by the Kafka Streams tests. */
final class StoreKit {
  private StoreKit() {}

  /** The kiwi store under Kafka's metered, logging and caching layers. */
  static KiwiKeyValueStore kiwiUnder(StateStore outer) {
    StateStore s = outer;
    while (s instanceof WrappedStateStore<?, ?, ?> wrapped) {
      s = wrapped.wrapped();
    }
    if (!(s instanceof KiwiKeyValueStore kiwi)) {
      throw new AssertionError("not a kiwi store underneath: " + s);
    }
    return kiwi;
  }

  /**
   * Runs the collector until kiwi-db's leak counter reaches {@code expected} or the time is up, and
   * returns the last count seen. kiwi-db counts an iterator as leaked when its cleaner finds it
   * unreachable and still open.
   */
  static long leakedIteratorsAfterGc(StorageEngine engine, long expected, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    long leaked;
    do {
      System.gc();
      Thread.sleep(50);
      leaked = engine.stats().counters().leakedIterators();
    } while (leaked < expected && System.nanoTime() < deadline);
    return leaked;
  }
}
