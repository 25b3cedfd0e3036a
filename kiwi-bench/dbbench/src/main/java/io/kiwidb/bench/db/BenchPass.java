package io.kiwidb.bench.db;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One engine running the workload list once (one round), with the store lifecycle db_bench uses:
 * {@code fillseq} and {@code fillsync} on fresh stores of their own; {@code fillrandom} creating
 * the main store that {@code overwrite}, the reads and {@code deleterandom} then use. After each
 * write workload the store is flushed and left to settle (untimed) before its disk size and write
 * amplification are read.
 *
 * <p>Thread safety: confined to the runner's thread.
 */
final class BenchPass {
  private final StoreFactory factory;
  private final EngineKind engine;
  private final WorkloadRunner runner;
  private final int round;
  private final int threads;
  private final Path dir;
  private final Consumer<String> progress;
  private DbAdapter main;
  private Path mainDir;
  private int storeCount;

  BenchPass(
      StoreFactory factory,
      EngineKind engine,
      KeySpace keys,
      BenchOptions options,
      int round,
      Path dir,
      Consumer<String> progress) {
    this.factory = factory;
    this.engine = engine;
    this.runner = new WorkloadRunner(keys, options);
    this.round = round;
    this.threads = options.threads();
    this.dir = dir;
    this.progress = progress;
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
          return measure(db, spec);
        } finally {
          DiskUsage.deleteTree(storeDir);
        }
      }
      case MAIN_FRESH -> {
        return measure(openMain(), spec);
      }
      case MAIN -> {
        if (main == null) {
          openMain();
          // The reads need data: an unmeasured random fill, as fillrandom would have left.
          runner.run(main, new WorkloadSpec(Workload.FILLRANDOM, 0));
          main.flushAndSettle();
        }
        return measure(main, spec);
      }
    }
    throw new AssertionError(w);
  }

  private Measurement measure(DbAdapter db, WorkloadSpec spec) {
    Workload w = spec.workload();
    DbAdapter.BackgroundWrites before = db.backgroundWrites();
    MemoryProbe.resetPeaks();
    WorkloadRunner.Outcome o = runner.run(db, spec);
    long disk = -1;
    double writeAmp = Double.NaN;
    if (w.writes()) {
      db.flushAndSettle();
      disk = db.diskBytes();
      long written = db.backgroundWrites().minus(before).total();
      writeAmp = o.userBytes() == 0 ? Double.NaN : (double) written / o.userBytes();
    }
    return new Measurement(
        round,
        engine.label(),
        spec.label(),
        spec.threadsOr(threads),
        o.ops(),
        o.nanos(),
        o.bytes(),
        o.found(),
        o.p50(),
        o.p99(),
        o.p999(),
        disk,
        writeAmp,
        MemoryProbe.heapPeakBytes(),
        MemoryProbe.rssPeakBytes());
  }

  private Path newStoreDir(String what) {
    return dir.resolve(
        engine.label() + "-r" + round + "-" + storeCount++ + "-" + what.replace(':', '-'));
  }

  private DbAdapter openMain() {
    closeMain();
    mainDir = newStoreDir("main");
    main = factory.open(engine, mainDir, false);
    return main;
  }

  private void closeMain() {
    if (main != null) {
      try {
        main.close();
      } finally {
        main = null;
        DiskUsage.deleteTree(mainDir);
      }
    }
  }

  static String line(Measurement m) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  %-16s %-18s %12.0f ops/s %8.1f MB/s  p50 %8.2f us  p99 %9.2f us",
                m.engine(),
                m.workload(),
                m.opsPerSec(),
                m.mbPerSec(),
                m.p50Nanos() / 1e3,
                m.p99Nanos() / 1e3));
    if (m.diskBytes() >= 0) {
      b.append(
          String.format(
              Locale.ROOT, "  disk %7.1f MB  w-amp %5.2f", m.diskBytes() / 1e6, m.writeAmp()));
    }
    return b.toString();
  }
}
