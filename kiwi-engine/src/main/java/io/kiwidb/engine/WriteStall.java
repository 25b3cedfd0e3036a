package io.kiwidb.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Slows writers down, then stops them, while L0 is too deep, so compaction can catch up before
 * reads (which consult every L0 file) degrade without bound. RocksDB's delayed-write scheme in its
 * simplest form: at {@code l0_slowdown_writes_threshold} files each write waits a millisecond; at
 * {@code l0_stop_writes_threshold} writes wait until a compaction brings L0 below it. A stall never
 * fails a write and never drops one; the time spent is counted in the stats.
 *
 * <p>Thread safety: safe from any thread; {@link #l0Changed} wakes stopped writers.
 */
final class WriteStall {
  private final IntSupplier l0Count;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile int slowdownAt;
  private volatile int stopAt;

  WriteStall(IntSupplier l0Count, int slowdownAt, int stopAt) {
    this.l0Count = l0Count;
    setThresholds(slowdownAt, stopAt);
  }

  void setThresholds(int slowdown, int stop) {
    this.slowdownAt = slowdown;
    this.stopAt = stop;
    l0Changed();
  }

  /** Waits as long as L0 asks; returns at once in the common case. */
  void beforeWrite(EngineCore core) {
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
          core.checkWritable("write");
          changed.await(100, TimeUnit.MILLISECONDS);
        }
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      core.counters().stallNanos.add(System.nanoTime() - start);
    }
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
