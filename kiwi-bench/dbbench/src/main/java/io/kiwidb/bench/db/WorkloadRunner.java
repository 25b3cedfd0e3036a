package io.kiwidb.bench.db;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload on one open store with its threads, and measures it.
 *
 * <p>Latency: each thread reads the clock once per operation and records the time since its
 * previous reading, so an operation's latency includes the loop's own work (key formatting, value
 * copy), equally for every engine, at one clock read per operation rather than two.
 *
 * <p>Thread safety: one run at a time; the worker threads share only the store.
 */
final class WorkloadRunner {
  /** One hour in nanoseconds: the histograms' range. */
  private static final long MAX_LATENCY = 3_600_000_000_000L;

  private final KeySpace keys;
  private final BenchOptions options;

  WorkloadRunner(KeySpace keys, BenchOptions options) {
    this.keys = keys;
    this.options = options;
  }

  /** Totals of one run, before the store-level measurements are added. */
  record Outcome(
      long ops,
      long nanos,
      long bytes,
      long found,
      long p50,
      long p99,
      long p999,
      long userBytes) {}

  /** Runs {@code spec} on {@code db} and returns its totals. */
  Outcome run(DbAdapter db, WorkloadSpec spec) {
    Workload w = spec.workload();
    int threads = spec.threadsOr(options.threads());
    long totalOps =
        switch (w) {
          case FILLSEQ, FILLRANDOM, OVERWRITE, DELETERANDOM -> keys.num();
          case FILLSYNC -> options.syncOps();
          default -> options.reads();
        };
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long from = totalOps * t / threads;
      long to = totalOps * (t + 1) / threads;
      workers.add(
          new Worker(
              db,
              w,
              from,
              to,
              new SplittableRandom(options.seed() * 31 + t * 7919L + w.name().hashCode())));
    }
    Worker background = null;
    if (w == Workload.READWHILEWRITING) {
      background =
          new Worker(
              db, Workload.OVERWRITE, 0, Long.MAX_VALUE, new SplittableRandom(options.seed() - 1));
    }
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < workers.size(); t++) {
      started.add(startThread(spec.label() + "-" + t, workers.get(t), start, failure));
    }
    Thread writer = null;
    if (background != null) {
      writer = startThread(spec.label() + "-writer", background, start, failure);
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread t : started) {
      join(t);
    }
    long elapsed = System.nanoTime() - begin;
    if (writer != null) {
      background.stop = true;
      join(writer);
    }
    if (failure.get() != null) {
      throw new IllegalStateException(spec.label() + " failed: " + failure.get(), failure.get());
    }
    Histogram all = new Histogram(MAX_LATENCY, 3);
    long ops = 0;
    long bytes = 0;
    long found = 0;
    long userBytes = 0;
    for (Worker wk : workers) {
      all.add(wk.histogram);
      ops += wk.ops;
      bytes += wk.bytes;
      found += wk.found;
      userBytes += wk.userBytes;
    }
    return new Outcome(
        ops,
        elapsed,
        bytes,
        found,
        all.getValueAtPercentile(50),
        all.getValueAtPercentile(99),
        all.getValueAtPercentile(99.9),
        userBytes);
  }

  private static Thread startThread(
      String name, Worker worker, CountDownLatch start, AtomicReference<Throwable> failure) {
    Thread t =
        new Thread(
            () -> {
              try {
                start.await();
                worker.run();
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            },
            "dbbench-" + name);
    t.start();
    return t;
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + t.getName(), e);
    }
  }

  /** One thread's share of a workload: operations {@code [from, to)} of the total. */
  private final class Worker {
    final DbAdapter db;
    final Workload w;
    final long from;
    final long to;
    final SplittableRandom random;
    final Histogram histogram = new Histogram(MAX_LATENCY, 3);
    final byte[] key = keys.newKey();
    final byte[] value = keys.newValue();
    long ops;
    long bytes;
    long found;
    long userBytes;
    volatile boolean stop;

    Worker(DbAdapter db, Workload w, long from, long to, SplittableRandom random) {
      this.db = db;
      this.w = w;
      this.from = from;
      this.to = to;
      this.random = random;
    }

    void run() {
      switch (w) {
        case FILLSEQ, FILLRANDOM, OVERWRITE, FILLSYNC, DELETERANDOM -> write();
        case READRANDOM, READWHILEWRITING -> read(false);
        case READMISSING -> read(true);
        case READSEQ -> scan(true);
        case READREVERSE -> scan(false);
        case SEEKRANDOM -> seek();
      }
    }

    private long nextIndex(long i) {
      return w == Workload.FILLSEQ ? i : random.nextInt(keys.num());
    }

    private void write() {
      boolean delete = w == Workload.DELETERANDOM;
      int batch = options.batchSize();
      long perOp = (long) keys.keySize() + (delete ? 0 : keys.valueSize());
      if (batch > 1 && w != Workload.FILLSYNC) {
        writeBatches(batch, delete, perOp);
        return;
      }
      long last = System.nanoTime();
      for (long i = from; i < to && !stop; i++) {
        keys.presentKey(nextIndex(i), key);
        if (delete) {
          db.delete(key);
        } else {
          keys.fillValue(random, value);
          db.put(key, value);
        }
        long now = System.nanoTime();
        histogram.recordValue(now - last);
        last = now;
        ops++;
      }
      bytes = ops * perOp;
      userBytes = bytes;
    }

    private void writeBatches(int batch, boolean delete, long perOp) {
      byte[][] ks = new byte[batch][];
      byte[][] vs = new byte[batch][];
      for (int j = 0; j < batch; j++) {
        ks[j] = keys.newKey();
        vs[j] = delete ? null : keys.newValue();
      }
      long last = System.nanoTime();
      for (long i = from; i < to && !stop; ) {
        int n = (int) Math.min(batch, to - i);
        for (int j = 0; j < n; j++, i++) {
          keys.presentKey(nextIndex(i), ks[j]);
          if (!delete) {
            keys.fillValue(random, vs[j]);
          }
        }
        db.writeBatch(ks, vs, n);
        long now = System.nanoTime();
        histogram.recordValue(now - last);
        last = now;
        ops += n;
      }
      bytes = ops * perOp;
      userBytes = bytes;
    }

    private void read(boolean missing) {
      long last = System.nanoTime();
      for (long i = from; i < to; i++) {
        int k = random.nextInt(keys.num());
        if (missing) {
          keys.missingKey(k, key);
        } else {
          keys.presentKey(k, key);
        }
        byte[] v = db.get(key);
        if (v != null) {
          found++;
          bytes += key.length + v.length;
        }
        long now = System.nanoTime();
        histogram.recordValue(now - last);
        last = now;
        ops++;
      }
    }

    private void scan(boolean forward) {
      long limit = to - from;
      try (DbAdapter.Cursor c = db.cursor()) {
        long last = System.nanoTime();
        if (forward) {
          c.seekToFirst();
        } else {
          c.seekToLast();
        }
        while (ops < limit && c.isValid()) {
          bytes += c.key().length + c.value().length;
          if (forward) {
            c.next();
          } else {
            c.prev();
          }
          long now = System.nanoTime();
          histogram.recordValue(now - last);
          last = now;
          ops++;
        }
      }
      found = ops;
    }

    private void seek() {
      int nexts = options.seekNexts();
      try (DbAdapter.Cursor c = db.cursor()) {
        long last = System.nanoTime();
        for (long i = from; i < to; i++) {
          keys.presentKey(random.nextInt(keys.num()), key);
          c.seek(key);
          if (c.isValid()) {
            found++;
            bytes += c.key().length + c.value().length;
            for (int j = 0; j < nexts; j++) {
              c.next();
              if (!c.isValid()) {
                break;
              }
              bytes += c.key().length + c.value().length;
            }
          }
          long now = System.nanoTime();
          histogram.recordValue(now - last);
          last = now;
          ops++;
        }
      }
    }
  }
}
