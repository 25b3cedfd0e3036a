package io.kiwidb.engine;

import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.LevelIterator;
import io.kiwidb.compaction.MergingIterator;
import io.kiwidb.compaction.OutputSplitter;
import io.kiwidb.compaction.VersionPruningIterator;
import io.kiwidb.sstable.TableBuilder;
import io.kiwidb.sstable.TableProperties;
import io.kiwidb.sstable.manifest.VersionEdit;
import io.kiwidb.sstable.manifest.VersionRef;
import io.kiwidb.sstable.manifest.VersionSet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * io.kiwidb.api.spi.CompactionStrategy} for a plan over the current version, merges the inputs,
 * writes the outputs, and installs the result with one manifest edit. The version set deletes the
 * inputs once no reader holds them.
 *
 * <p>Invariants: a file is in at most one running compaction (the busy set, which the picker must
 * avoid); output files never split the versions of one user key, because files of L1 and deeper
 * must own disjoint key ranges; a failed compaction deletes the outputs it wrote and sets the
 * engine's background error, leaving the version as it was.
 *
 * <p>Thread safety: {@link #wake} and {@link #stop} may be called from any thread; the busy set and
 * the leveled cursors are guarded by {@code lock}.
 */
final class CompactionScheduler {
  private static final Logger log = LoggerFactory.getLogger(CompactionScheduler.class);

  private final EngineCore core;
  private final WorkerPool pool = new WorkerPool(this::run);
  private final Set<Long> busy = new HashSet<>();
  private final Map<Integer, byte[]> cursors = new HashMap<>();
  private volatile boolean stopping;

  CompactionScheduler(EngineCore core) {
    this.core = core;
  }

  void start(int workerCount, ThreadFactory threads) {
    pool.start(workerCount, threads);
  }

  /** Changes the number of workers (live config). */
  void setWorkers(int count) {
    pool.setWorkers(count);
  }

  void wake() {
    pool.wake();
  }

  /** Stops picking new work and waits for running compactions to finish. */
  void stop() {
    stopping = true;
    wake();
    pool.join(Duration.ofSeconds(60));
  }

  private void run(int id) {
    try {
      while (!stopping && core.backgroundError() == null && !pool.retired(id)) {
        Optional<Picked> picked = pick();
        if (picked.isEmpty()) {
          pool.lock.lock();
          try {
            if (!stopping) {
              pool.changed.await(core.parts.checkIntervalMillis(), TimeUnit.MILLISECONDS);
            }
          } finally {
            pool.lock.unlock();
          }
          continue;
        }
        CompactionPlan plan = picked.get().plan();
        long job = core.compactionHistory().started(core.parts.compactionStrategy.name(), plan);
        try {
          core.compactionHistory().finished(job, compact(picked.get()));
        } catch (IOException | RuntimeException | Error e) {
          core.compactionHistory().failed(job, e);
          throw e;
        } finally {
          release(plan);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      core.setBackgroundError("compaction", t);
    }
  }

  /** A plan and the view it was picked from (whose deeper levels decide tombstone dropping). */
  private record Picked(CompactionPlan plan, LevelView view) {}

  private Optional<Picked> pick() {
    pool.lock.lock();
    try (VersionRef ref = core.parts.tables.versions().acquire()) {
      LevelView view =
          new LevelView(ref.version().levelView(busy).levels(), Set.copyOf(busy), cursors);
      Optional<CompactionPlan> plan =
          core.parts.compactionStrategy.pick(view, core.parts.compactionOptions());
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
  private List<TableMeta> compact(Picked picked) throws IOException {
    CompactionPlan plan = picked.plan();
    EngineParts parts = core.parts;
    long start = System.nanoTime();
    VersionEdit edit = new VersionEdit();
    plan.inputs().forEach(edit::deleteFile);
    long written = 0;
    List<TableMeta> outputs = new ArrayList<>();
    if (plan.isTrivialMove()) {
      TableMeta moved = plan.inputs().get(0).atLevel(plan.outputLevel());
      edit.addFile(moved);
      outputs.add(moved);
    } else {
      try {
        merge(picked, outputs);
      } catch (IOException | RuntimeException e) {
        for (TableMeta out : outputs) {
          parts.fs.deleteIfExists(parts.tables.versions().tablePath(out.fileNumber()));
        }
        throw e;
      }
      for (TableMeta out : outputs) {
        edit.addFile(out);
        written += out.sizeBytes();
      }
    }
    parts.tables.versions().logAndApply(edit);
    core.counters().compactions.increment();
    core.counters().bytesCompacted.add(written);
    parts.writeStall.l0Changed();
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

  /**
   * Merges the inputs, newest source first (L0 files by age, then one concatenated run per deeper
   * level), drops what no snapshot can see, and writes output files split on user-key boundaries
   * where {@link OutputSplitter} says: at the target size, or for leveled compaction from half the
   * target on where a file of the level below ends, so the outputs later overlap fewer files there.
   * Each finished output is added to {@code outputs} at once, so a failure can delete it.
   */
  private void merge(Picked picked, List<TableMeta> outputs) throws IOException {
    CompactionPlan plan = picked.plan();
    EngineParts parts = core.parts;
    List<InternalIterator> sources = new ArrayList<>();
    List<TableMeta> l0 = new ArrayList<>(plan.inputsAt(0));
    l0.sort(Comparator.comparingLong(TableMeta::maxSeq).reversed());
    for (TableMeta t : l0) {
      sources.add(parts.tables.iterator(t));
    }
    for (int level = Math.max(1, plan.startLevel()); level <= plan.outputLevel(); level++) {
      List<TableMeta> files = new ArrayList<>(plan.inputsAt(level));
      if (!files.isEmpty()) {
        files.sort((a, b) -> KeyOrder.compareKeys(a.smallestKey(), b.smallestKey()));
        sources.add(new LevelIterator(files, parts.tables::iterator));
      }
    }
    MergingIterator merged = new MergingIterator(sources);
    merged.seekToFirst();
    // Tiered merges whole runs, so where its files end never changes what it rewrites later.
    int below = plan.outputLevel() + 1;
    boolean align = plan.alignOutputs() && below < picked.view().levelCount();
    OutputSplitter splitter =
        new OutputSplitter(align ? picked.view().level(below) : List.of(), plan.targetFileBytes());
    VersionSet versions = parts.tables.versions();
    TableBuilder builder = null;
    long number = 0;
    byte[] lastKey = null;
    try (VersionPruningIterator pruned =
        new VersionPruningIterator(
            merged,
            core.snapshots().sequences(),
            VersionPruningIterator.DeeperLevels.below(picked.view(), plan.outputLevel()))) {
      while (pruned.hasNext()) {
        InternalEntry e = pruned.next();
        boolean newKey = lastKey == null || KeyOrder.compareKeys(e.key(), lastKey) != 0;
        if (newKey
            && splitter.splitBefore(e.key(), builder == null ? 0 : builder.estimatedFileSize())) {
          outputs.add(finish(builder, number, plan.outputLevel()));
          builder = null;
        }
        if (builder == null) {
          number = versions.newFileNumber();
          builder = TableBuilder.create(parts.fs, versions.tablePath(number), parts.tableOptions);
        }
        builder.add(e);
        lastKey = e.key();
      }
      if (builder != null) {
        outputs.add(finish(builder, number, plan.outputLevel()));
        builder = null;
      }
    } finally {
      if (builder != null) {
        builder.abandon();
        parts.fs.deleteIfExists(versions.tablePath(number));
      }
    }
    parts.fs.syncDirectory(versions.tablePath(0).getParent());
  }

  private TableMeta finish(TableBuilder builder, long number, int level) throws IOException {
    EngineParts parts = core.parts;
    TableProperties props = builder.finish();
    Path path = parts.tables.versions().tablePath(number);
    return props.toMeta(number, level, parts.fs.size(path));
  }
}
