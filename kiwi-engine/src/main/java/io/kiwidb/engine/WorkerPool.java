package io.kiwidb.engine;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A resizable set of background workers for the flush pipeline and compaction, with the lock and
 * condition their owner uses to hand out work. Resizing is live ({@code flush_max_workers}, {@code
 * compaction_max_workers}): new workers start at once; surplus ones finish their current job and
 * leave when their loop asks {@link #retired}.
 *
 * <p>Invariants: worker ids are dense, {@code 0 .. workers-1}; the newest worker retires first, so
 * the next resize reuses ids from the end.
 *
 * <p>Thread safety: safe from any thread; the worker list is guarded by {@link #lock}.
 */
final class WorkerPool {
  /** Guards the workers and the owner's work queue; {@link #changed} wakes waiting workers. */
  final ReentrantLock lock = new ReentrantLock();

  final Condition changed = lock.newCondition();

  @GuardedBy("lock")
  private final List<Thread> workers = new ArrayList<>();

  private final IntConsumer body;

  @GuardedBy("lock")
  private ThreadFactory threads;

  private volatile int target;

  /**
   * @param body a worker's loop, given its id; it should return once {@link #retired} says so
   */
  WorkerPool(IntConsumer body) {
    this.body = body;
  }

  void start(int count, ThreadFactory factory) {
    lock.lock();
    try {
      this.threads = factory;
    } finally {
      lock.unlock();
    }
    setWorkers(count);
  }

  void setWorkers(int count) {
    lock.lock();
    try {
      target = count;
      while (workers.size() < count) {
        int id = workers.size();
        Thread t = threads.newThread(() -> body.accept(id));
        workers.add(t);
        t.start();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether worker {@code id} should leave now; if so it is removed from the pool. */
  boolean retired(int id) {
    if (id < target) {
      return false;
    }
    lock.lock();
    try {
      if (id < target || id != workers.size() - 1) {
        return false;
      }
      workers.remove(id);
      return true;
    } finally {
      lock.unlock();
    }
  }

  void wake() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code timeout} in all for the workers to finish.
   *
   * @return whether every worker finished
   */
  boolean join(Duration timeout) {
    List<Thread> snapshot;
    lock.lock();
    try {
      snapshot = new ArrayList<>(workers);
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : snapshot) {
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    boolean done = true;
    for (Thread t : snapshot) {
      if (t.isAlive()) {
        t.interrupt();
        done = false;
      }
    }
    return done;
  }
}
