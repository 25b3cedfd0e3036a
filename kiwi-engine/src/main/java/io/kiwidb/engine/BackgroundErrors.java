package io.kiwidb.engine;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.memtable.MemTableSet;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first background failure (a flush, a compaction, a write-ahead log write) after which the
 * engine refuses writes until it is reopened: RocksDB's background error, LevelDB's {@code
 * bg_error_}. Reads go on.
 *
 * <p>Thread safety: safe from any thread; the first failure wins.
 */
final class BackgroundErrors {
  private static final Logger log = LoggerFactory.getLogger(BackgroundErrors.class);

  private final MemTableSet memTables;
  private final Counters counters;
  private volatile Throwable first;

  @Inject
  BackgroundErrors(MemTableSet memTables, Counters counters) {
    this.memTables = memTables;
    this.counters = counters;
  }

  /** Records a failure; every later write fails with the first one recorded. */
  void set(String job, Throwable error) {
    synchronized (this) {
      if (first == null) {
        first = error;
      }
    }
    counters.backgroundErrors.increment();
    // Writers waiting for room in the immutable queue would otherwise wait out
    // backpressure_timeout for a flush that will never come.
    memTables.wakeWaiters();
    log.atError()
        .setMessage("Background error; writes are refused until reopen")
        .addKeyValue("job", job)
        .addKeyValue("error", error.toString())
        .setCause(error)
        .log();
  }

  /** The first failure, or null. */
  Throwable get() {
    return first;
  }

  /**
   * @throws BackgroundErrorException naming {@code call}, if a failure was recorded
   */
  void check(String call) {
    Throwable error = first;
    if (error != null) {
      throw new BackgroundErrorException(call, error);
    }
  }
}
