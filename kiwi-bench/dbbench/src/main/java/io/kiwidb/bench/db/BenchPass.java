package io.kiwidb.bench.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One engine running the workload list once (one round), with the store lifecycle db_bench uses:
 * {@code fillseq} and {@code fillsync} on fresh stores of their own; {@code fillrandom} creating
 * the main store that {@code overwrite}, the reads and {@code deleterandom} then use. The YCSB
 * workloads run on a main store that {@code ycsb-load} filled (unmeasured when it is not in the
 * list).
 *
 * <p>Between workloads, by {@link Method}: {@code settled} flushes after each write workload and
 * waits until flushes and compactions are done (untimed) before disk size and write amplification
 * are read; {@code dbbench} reads them at once and starts the next workload on whatever the writes
 * left, so write amplification then counts only the background work done while the workload ran.
 *
 * <p>Thread safety: confined to the runner's thread.
 */
final class BenchPass {
  private final StoreFactory factory;
  private final EngineKind engine;
  private final KeySpace keys;
  private final WorkloadRunner runner;
  private final BenchOptions options;
  private final int round;
  private final Path dir;
  private final Consumer<String> progress;
  private final Consumer<String> notes;
  private DbAdapter main;
  private StoreState mainState;
  private boolean mainIsYcsb;
  private Path mainDir;
  private int storeCount;
  private boolean cacheNoted;

  /**
   * A pass over {@code options.workloads()} at {@code options.num()} keys with {@code
   * options.method()}.
   *
   * @param notes gets facts the report must state (once each), e.g. that caches were not dropped
   */
  BenchPass(
      StoreFactory factory,
      EngineKind engine,
      KeySpace keys,
      BenchOptions options,
      int round,
      Path dir,
      Consumer<String> progress,
      Consumer<String> notes) {
    this.factory = factory;
    this.engine = engine;
    this.keys = keys;
    this.runner = new WorkloadRunner(keys, options);
    this.options = options;
    this.round = round;
    this.dir = dir;
    this.progress = progress;
    this.notes = notes;
  }

  /** Runs the workloads in order; every store is closed and deleted before this returns. */
  List<Measurement> run(List<WorkloadSpec> workloads) {
    List<Measurement> results = new ArrayList<>();
    try {
      for (WorkloadSpec spec : workloads) {
        Measurement m = runOne(spec);
        results.add(m);
        progress.accept(line(m));
      }
    } finally {
      closeMain();
    }
    return results;
  }

  private Measurement runOne(WorkloadSpec spec) {
    Workload w = spec.workload();
    switch (w.store()) {
      case FRESH, FRESH_SYNC -> {
        Path storeDir = newStoreDir(spec.label());
        try (DbAdapter db =
            factory.open(engine, storeDir, w.store() == Workload.Store.FRESH_SYNC)) {
          return measure(db, new StoreState(), spec);
        } finally {
          DiskUsage.deleteTree(storeDir);
        }
      }
      case MAIN_FRESH -> {
        openMain(w == Workload.YCSB_LOAD);
        return measure(main, mainState, spec);
      }
      case MAIN -> {
        if (main == null) {
          // The reads need data: an unmeasured random fill, as fillrandom would have left.
          prefill(Workload.FILLRANDOM);
        }
        return measure(main, mainState, spec);
      }
      case YCSB -> {
        if (main == null || !mainIsYcsb) {
          prefill(Workload.YCSB_LOAD);
        }
        return measure(main, mainState, spec);
      }
    }
    throw new AssertionError(w);
  }

  private void prefill(Workload fill) {
    openMain(fill == Workload.YCSB_LOAD);
    runner.run(main, new WorkloadSpec(fill, 0), mainState);
    if (options.method() == Method.SETTLED) {
      main.flushAndSettle();
    }
  }

  private Measurement measure(DbAdapter db, StoreState state, WorkloadSpec spec) {
    Workload w = spec.workload();
    if (options.dropCaches() && !w.writes()) {
      PageCache.Outcome o = PageCache.drop();
      if (!cacheNoted || !o.dropped()) {
        notes.accept(
            o.dropped()
                ? "page cache dropped before each read workload (" + o.detail() + ")"
                : "page cache NOT dropped before " + spec.label() + ": " + o.detail());
        cacheNoted = true;
      }
    }
    DbAdapter.BackgroundWrites before = db.backgroundWrites();
    MemoryProbe.resetPeaks();
    WorkloadRunner.Outcome o = runner.run(db, spec, state);
    long heapPeak = MemoryProbe.heapPeakBytes();
    long rssPeak = MemoryProbe.rssPeakBytes();
    long disk = -1;
    double writeAmp = Double.NaN;
    double withWal = Double.NaN;
    double spaceAmp = Double.NaN;
    if (w.writes()) {
      if (options.method() == Method.SETTLED) {
        db.flushAndSettle();
      }
      disk = db.diskBytes();
      DbAdapter.BackgroundWrites written = db.backgroundWrites().minus(before);
      if (o.userBytes() > 0) {
        writeAmp = (double) written.total() / o.userBytes();
        if (written.walBytes() >= 0) {
          withWal = (double) (written.total() + written.walBytes()) / o.userBytes();
        }
      }
      long live = state.ledger().count() * keys.entryBytes();
      spaceAmp = live == 0 ? Double.NaN : (double) disk / live;
    }
    Latency.Percentiles p = o.latency();
    return new Measurement(
        round,
        engine.label(),
        spec.label(),
        spec.threadsOr(options.threads()),
        keys.num(),
        options.method().label(),
        o.ops(),
        o.nanos(),
        o.bytes(),
        o.found(),
        p.p50(),
        p.p99(),
        p.p999(),
        p.max(),
        disk,
        writeAmp,
        withWal,
        spaceAmp,
        heapPeak,
        rssPeak);
  }

  private Path newStoreDir(String what) {
    return dir.resolve(
        engine.label() + "-r" + round + "-" + storeCount++ + "-" + what.replace(':', '-'));
  }

  private void openMain(boolean ycsb) {
    closeMain();
    mainDir = newStoreDir(ycsb ? "ycsb" : "main");
    main = factory.open(engine, mainDir, false);
    mainState = new StoreState();
    mainIsYcsb = ycsb;
  }

  private void closeMain() {
    if (main != null) {
      try {
        main.close();
      } finally {
        main = null;
        mainState = null;
        DiskUsage.deleteTree(mainDir);
      }
    }
  }

  static String line(Measurement m) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  %-16s %-18s %12.0f ops/s %8.1f MB/s  p50 %8.2f us  p99 %9.2f us  p99.9 %9.2f us"
                    + "  max %9.2f us",
                m.engine(),
                m.workload(),
                m.opsPerSec(),
                m.mbPerSec(),
                m.p50Nanos() / 1e3,
                m.p99Nanos() / 1e3,
                m.p999Nanos() / 1e3,
                m.maxNanos() / 1e3));
    if (m.diskBytes() >= 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "  disk %7.1f MB  w-amp %5.2f (with WAL %5.2f)  space-amp %5.2f",
              m.diskBytes() / 1e6,
              m.writeAmp(),
              m.writeAmpWithWal(),
              m.spaceAmp()));
    }
    return b.toString();
  }
}
