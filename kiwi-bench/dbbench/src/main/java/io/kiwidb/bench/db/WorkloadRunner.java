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
 * previous reading into its own histogram ({@link Latency}), so an operation's latency includes the
 * loop's own work (key formatting, value copy), equally for every engine, at one clock read per
 * operation rather than two. The threads' histograms are added when the workload is over.
 *
 * <p>Seeds: thread {@code t} of workload {@code w} draws from {@code seed * 31 + t * 7919 +
 * w.name().hashCode()}, so a run is replayable from {@code --seed}; after a write workload each
 * worker replays its draws into the store's {@link KeyLedger} (untimed), which gives the live keys
 * for space amplification.
 *
 * <p>Thread safety: one run at a time; the worker threads share only the store and its {@link
 * StoreState}.
 */
final class WorkloadRunner {
  private final KeySpace keys;
  private final BenchOptions options;
  private final Zipfian.Scatter scatter;

  WorkloadRunner(KeySpace keys, BenchOptions options) {
    this.keys = keys;
    this.options = options;
    this.scatter = new Zipfian.Scatter(keys.num(), options.seed());
  }

  /**
   * Totals of one run, before the store-level measurements are added.
   *
   * @param ops operations completed
   * @param nanos wall-clock time from the start signal until the last worker ended
   * @param bytes key and value bytes written or returned
   * @param found reads (and scans) that found something
   * @param latency the merged per-operation latencies
   * @param userBytes key and value bytes written (for write amplification)
   */
  record Outcome(
      long ops, long nanos, long bytes, long found, Latency.Percentiles latency, long userBytes) {}

  /** The seed of thread {@code t} of workload {@code w}. */
  long seed(Workload w, int t) {
    return options.seed() * 31 + t * 7919L + w.name().hashCode();
  }

  /** Runs {@code spec} on {@code db}, whose runner-side state is {@code state}. */
  Outcome run(DbAdapter db, WorkloadSpec spec, StoreState state) {
    Workload w = spec.workload();
    int threads = spec.threadsOr(options.threads());
    long totalOps =
        switch (w) {
          case FILLSEQ, FILLRANDOM, OVERWRITE, DELETERANDOM, YCSB_LOAD -> keys.num();
          case FILLSYNC -> options.syncOps();
          default -> options.reads();
        };
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long from = totalOps * t / threads;
      long to = totalOps * (t + 1) / threads;
      workers.add(new Worker(db, w, from, to, seed(w, t), state));
    }
    Worker background = null;
    if (w == Workload.READWHILEWRITING) {
      background = new Worker(db, Workload.OVERWRITE, 0, Long.MAX_VALUE, options.seed() - 1, state);
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
    List<Histogram> parts = new ArrayList<>();
    long ops = 0;
    long bytes = 0;
    long found = 0;
    long userBytes = 0;
    for (Worker wk : workers) {
      parts.add(wk.histogram);
      ops += wk.ops;
      bytes += wk.bytes;
      found += wk.found;
      userBytes += wk.userBytes;
    }
    // The live keys, untimed: every writer's draws again, then the inserts.
    for (Worker wk : workers) {
      wk.replay(state.ledger());
    }
    if (background != null) {
      background.replay(state.ledger());
    }
    state.ledger().putRange(keys.num(), keys.num() + state.insertsClaimed());
    return new Outcome(
        ops, elapsed, bytes, found, Latency.Percentiles.of(Latency.merge(parts)), userBytes);
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
    final long seed;
    final SplittableRandom random;
    final StoreState state;
    final Histogram histogram = Latency.newHistogram();
    final byte[] key = keys.newKey();
    final byte[] value = keys.newValue();
    long ops;
    long bytes;
    long found;
    long userBytes;
    volatile boolean stop;

    Worker(DbAdapter db, Workload w, long from, long to, long seed, StoreState state) {
      this.db = db;
      this.w = w;
      this.from = from;
      this.to = to;
      this.seed = seed;
      this.random = new SplittableRandom(seed);
      this.state = state;
    }

    void run() {
      switch (w) {
        case FILLSEQ, FILLRANDOM, OVERWRITE, FILLSYNC, DELETERANDOM, YCSB_LOAD -> write();
        case READRANDOM, READWHILEWRITING -> read(false);
        case READMISSING -> read(true);
        case READSEQ -> scan(true);
        case READREVERSE -> scan(false);
        case SEEKRANDOM -> seek();
        case YCSB_A, YCSB_B, YCSB_C, YCSB_D, YCSB_E, YCSB_F -> ycsb();
      }
    }

    /** Records the keys this worker wrote or deleted, from the same seed. */
    void replay(KeyLedger ledger) {
      if (!w.writes() || ops == 0) {
        return;
      }
      SplittableRandom r = new SplittableRandom(seed);
      if (w.ycsb() != null) {
        YcsbClient c = client(r);
        for (long j = 0; j < ops; j++) {
          c.replay(ledger);
        }
        return;
      }
      boolean delete = w == Workload.DELETERANDOM;
      for (long j = 0; j < ops; j++) {
        long idx = nextIndex(from + j, r);
        if (delete) {
          ledger.delete(idx);
        } else {
          keys.valueOffset(r);
          ledger.put(idx);
        }
      }
    }

    private YcsbClient client(SplittableRandom r) {
      return new YcsbClient(db, keys, scatter, state, w.ycsb(), options.zipfTheta(), r);
    }

    private long nextIndex(long i, SplittableRandom r) {
      return switch (w) {
        case FILLSEQ -> i;
        case YCSB_LOAD -> scatter.key(i);
        default -> r.nextInt(keys.num());
      };
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
        keys.presentKey(nextIndex(i, random), key);
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
          keys.presentKey(nextIndex(i, random), ks[j]);
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

    private void ycsb() {
      YcsbClient c = client(random);
      long last = System.nanoTime();
      for (long i = from; i < to; i++) {
        c.next();
        long now = System.nanoTime();
        histogram.recordValue(now - last);
        last = now;
        ops++;
      }
      bytes = c.bytes;
      found = c.found;
      userBytes = c.userBytes;
    }
  }
}
