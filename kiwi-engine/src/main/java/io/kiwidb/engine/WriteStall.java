package io.kiwidb.engine;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.sstable.TableStore;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Slows writers down, then stops them, while L0 is too deep, so compaction can catch up before
 * reads (which consult every L0 file) degrade without bound. RocksDB's delayed-write scheme in its
 * simplest form: at {@code l0_slowdown_writes_threshold} files each write waits a millisecond; at
 * {@code l0_stop_writes_threshold} writes wait until a compaction brings L0 below it. A stall never
 * fails a write and never drops one (unless a background error stops the engine meanwhile); the
 * time spent is counted in the stats.
 *
 * <p>Thread safety: safe from any thread; {@link #l0Changed} wakes stopped writers.
 */
final class WriteStall {
  private final IntSupplier l0Count;
  private final Counters counters;
  private final BackgroundErrors errors;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile int slowdownAt;
  private volatile int stopAt;
  private volatile boolean closed;

  @Inject
  WriteStall(TableStore tables, EngineConfig config, Counters counters, BackgroundErrors errors) {
    this(
        tables::l0Count,
        config.l0SlowdownWritesThreshold(),
        config.l0StopWritesThreshold(),
        counters,
        errors);
  }

  WriteStall(
      IntSupplier l0Count, int slowdownAt, int stopAt, Counters counters, BackgroundErrors errors) {
    this.l0Count = l0Count;
    this.counters = counters;
    this.errors = errors;
    setThresholds(slowdownAt, stopAt);
  }

  void setThresholds(int slowdown, int stop) {
    this.slowdownAt = slowdown;
    this.stopAt = stop;
    l0Changed();
  }

  /**
   * Waits as long as L0 asks; returns at once in the common case.
   *
   * @throws io.kiwidb.api.BackgroundErrorException if a background failure stops writes while it
   *     waits
   * @throws EngineClosedException if the engine closes while it waits
   */
  void beforeWrite(String call) {
    int l0 = l0Count.getAsInt();
    if (l0 < slowdownAt) {
      return;
    }
    long start = System.nanoTime();
    try {
      if (l0 < stopAt) {
        TimeUnit.MILLISECONDS.sleep(1);
        return;
      }
      lock.lock();
      try {
        while (l0Count.getAsInt() >= stopAt) {
          errors.check(call);
          if (closed) {
            throw new EngineClosedException("engine", call);
          }
          changed.await(100, TimeUnit.MILLISECONDS);
        }
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      counters.stallNanos.add(System.nanoTime() - start);
    }
  }

  /** Makes stopped writers fail with {@link EngineClosedException}: the engine is closing. */
  void close() {
    closed = true;
    l0Changed();
  }

  /** Called after every install that changes L0 (flush or compaction). */
  void l0Changed() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
