package io.kiwidb.engine;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableVersion;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs compactions on {@code compaction_max_workers} background threads: after each flush, every
 * {@code compaction_check_interval}, and once at startup, it asks the configured {@link
 * CompactionStrategy} for a plan over the current version and hands the plan to the {@link
 * Compactor}, which merges, writes and installs it. The table store deletes the inputs once no
 * reader holds them.
 *
 * <p>What the scheduler owns is the bookkeeping a picker must not: the busy set (a file is in at
 * most one running compaction, and the picker is told which are taken) and the per-level compaction
 * cursors, which a plan hands back ({@link CompactionPlan#nextCursor()}) so a round-robin picker
 * stays a pure function.
 *
 * <p>Invariants: a failed compaction leaves the version as it was (the job deletes its outputs) and
 * sets the engine's background error.
 *
 * <p>Thread safety: {@link #levelsChanged}, {@link #setWorkers} and {@link #stop} may be called
 * from any thread; the busy set and the cursors are guarded by the pool's lock.
 */
final class CompactionScheduler implements CompactionTrigger {
  private static final Logger log = LoggerFactory.getLogger(CompactionScheduler.class);

  private final TableStore tables;
  private final Compactor compactor;
  private final CompactionStrategy strategy;
  private final Provider<EngineConfig> config;
  private final SnapshotList snapshots;
  private final BackgroundErrors errors;
  private final Counters counters;
  private final WriteStall stall;
  private final CompactionHistory history;
  private final WorkerPool pool = new WorkerPool(this::run);
  private final Set<Long> busy = new HashSet<>();
  private final Map<Integer, byte[]> cursors = new HashMap<>();
  private volatile boolean stopping;

  @Inject
  CompactionScheduler(
      TableStore tables,
      Compactor compactor,
      CompactionStrategy strategy,
      Provider<EngineConfig> config,
      SnapshotList snapshots,
      BackgroundErrors errors,
      Counters counters,
      WriteStall stall,
      CompactionHistory history) {
    this.tables = tables;
    this.compactor = compactor;
    this.strategy = strategy;
    this.config = config;
    this.snapshots = snapshots;
    this.errors = errors;
    this.counters = counters;
    this.stall = stall;
    this.history = history;
  }

  void start(int workerCount, ThreadFactory threads) {
    pool.start(workerCount, threads);
  }

  /** Changes the number of workers (live config). */
  void setWorkers(int count) {
    pool.setWorkers(count);
  }

  @Override
  public void levelsChanged() {
    pool.wake();
  }

  /** Stops picking new work and waits for running compactions to finish. */
  void stop() {
    stopping = true;
    pool.wake();
    pool.join(Duration.ofSeconds(60));
  }

  private void run(int id) {
    try {
      while (!stopping && errors.get() == null && !pool.retired(id)) {
        Optional<Picked> picked = pick();
        if (picked.isEmpty()) {
          pool.lock.lock();
          try {
            if (!stopping) {
              pool.changed.await(checkIntervalMillis(), TimeUnit.MILLISECONDS);
            }
          } finally {
            pool.lock.unlock();
          }
          continue;
        }
        CompactionPlan plan = picked.get().plan();
        long job = history.started(strategy.name(), plan);
        try {
          history.finished(job, compact(picked.get()));
        } catch (Exception | Error e) {
          history.failed(job, e);
          throw e;
        } finally {
          release(plan);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      errors.set("compaction", t);
    }
  }

  private long checkIntervalMillis() {
    return Math.max(1, config.get().compactionCheckInterval().toMillis());
  }

  /** A plan and the view it was picked from (whose deeper levels decide tombstone dropping). */
  private record Picked(CompactionPlan plan, LevelView view) {}

  private Optional<Picked> pick() {
    CompactionOptions options = config.get().compactionOptions();
    pool.lock.lock();
    try (TableVersion version = tables.acquire()) {
      LevelView view = version.levelView(Set.copyOf(busy), cursors);
      Optional<CompactionPlan> plan = strategy.pick(view, options);
      plan.ifPresent(
          p -> {
            p.inputs().forEach(t -> busy.add(t.fileNumber()));
            if (p.nextCursor() != null) {
              cursors.put(p.startLevel(), p.nextCursor());
            }
          });
      return plan.map(p -> new Picked(p, view));
    } finally {
      pool.lock.unlock();
    }
  }

  private void release(CompactionPlan plan) {
    pool.lock.lock();
    try {
      plan.inputs().forEach(t -> busy.remove(t.fileNumber()));
      pool.changed.signalAll();
    } finally {
      pool.lock.unlock();
    }
  }

  /** Runs one compaction; returns the files it installed (for a trivial move, the moved one). */
  private List<TableMeta> compact(Picked picked) throws java.io.IOException {
    CompactionPlan plan = picked.plan();
    long start = System.nanoTime();
    List<TableMeta> outputs = compactor.compact(plan, picked.view(), snapshots.sequences());
    long written = 0;
    if (!plan.isTrivialMove()) {
      for (TableMeta out : outputs) {
        written += out.sizeBytes();
      }
    }
    counters.compactions.increment();
    counters.bytesCompacted.add(written);
    stall.l0Changed();
    log.atInfo()
        .setMessage("Compaction installed")
        .addKeyValue("reason", plan.reason())
        .addKeyValue("inputs", plan.inputs().size())
        .addKeyValue("outputs", plan.isTrivialMove() ? "moved" : outputs.size())
        .addKeyValue("output_level", plan.outputLevel())
        .addKeyValue("bytes_written", written)
        .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000)
        .log();
    return outputs;
  }
}
