package io.kiwidb.compaction.merge;

import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Compactor;
import io.kiwidb.sstable.TableEdit;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.sstable.TableVersion;
import io.kiwidb.sstable.TableWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@link Compactor} on a {@link TableStore}: {@link MergingIterator} over the inputs, {@link
 * VersionPruningIterator} over that, and {@link TableWriter}s cut where {@link OutputSplitter}
 * says.
 *
 * <p>Invariants: output files never split the versions of one user key (files of L1 and deeper must
 * own disjoint key ranges); a failed job deletes what it wrote and installs nothing.
 *
 * <p>Thread safety: stateless apart from the store; safe from any thread.
 */
public final class MergeJob implements Compactor {
  private final TableStore tables;

  /** Jobs on {@code tables}. */
  public MergeJob(TableStore tables) {
    this.tables = tables;
  }

  @Override
  public TableMeta flush(InternalIterator memtable, Collection<Long> snapshots) throws IOException {
    memtable.seekToFirst();
    try (VersionPruningIterator pruned =
            new VersionPruningIterator(
                memtable, snapshots, VersionPruningIterator.DeeperLevels.ANY);
        TableWriter out = tables.newTable(0)) {
      while (pruned.hasNext()) {
        out.add(pruned.next());
      }
      return out.finish();
    }
  }

  @Override
  public List<TableMeta> compact(CompactionPlan plan, LevelView view, Collection<Long> snapshots)
      throws IOException {
    if (plan.isTrivialMove()) {
      TableMeta moved = plan.inputs().get(0).atLevel(plan.outputLevel());
      tables.install(TableEdit.compaction(plan.inputs(), List.of(moved)));
      return List.of(moved);
    }
    List<TableMeta> outputs = new ArrayList<>();
    try (TableVersion version = tables.acquire()) {
      merge(plan, view, snapshots, version, outputs);
    }
    tables.install(TableEdit.compaction(plan.inputs(), outputs));
    return outputs;
  }

  /**
   * Merges the inputs, newest source first, and writes the outputs; each finished output is added
   * to {@code outputs} at once, and on failure every one of them is deleted again.
   */
  private void merge(
      CompactionPlan plan,
      LevelView view,
      Collection<Long> snapshots,
      TableVersion version,
      List<TableMeta> outputs)
      throws IOException {
    List<InternalIterator> sources = new ArrayList<>();
    List<TableMeta> l0 = new ArrayList<>(plan.inputsAt(0));
    l0.sort(TableMeta.OLDEST_FIRST.reversed());
    for (TableMeta t : l0) {
      sources.add(version.iterator(t));
    }
    for (int level = Math.max(1, plan.startLevel()); level <= plan.outputLevel(); level++) {
      List<TableMeta> files = new ArrayList<>(plan.inputsAt(level));
      if (!files.isEmpty()) {
        files.sort(TableMeta.BY_SMALLEST_KEY);
        sources.add(version.concatenated(files));
      }
    }
    MergingIterator merged = new MergingIterator(sources);
    merged.seekToFirst();
    int below = plan.outputLevel() + 1;
    OutputSplitter splitter =
        new OutputSplitter(
            plan.alignOutputs() && below < view.levelCount() ? view.level(below) : List.of(),
            plan.targetFileBytes());
    TableWriter out = null;
    byte[] lastKey = null;
    boolean done = false;
    try (VersionPruningIterator pruned =
        new VersionPruningIterator(
            merged,
            snapshots,
            VersionPruningIterator.DeeperLevels.below(view, plan.outputLevel()))) {
      while (pruned.hasNext()) {
        InternalEntry e = pruned.next();
        boolean newKey = lastKey == null || KeyOrder.compareKeys(e.key(), lastKey) != 0;
        if (newKey && splitter.splitBefore(e.key(), out == null ? 0 : out.estimatedFileSize())) {
          outputs.add(out.finish());
          out = null;
        }
        if (out == null) {
          out = tables.newTable(plan.outputLevel());
        }
        out.add(e);
        lastKey = e.key();
      }
      if (out != null) {
        outputs.add(out.finish());
        out = null;
      }
      done = true;
    } finally {
      if (out != null) {
        out.abandon();
      }
      if (!done) {
        for (TableMeta t : outputs) {
          tables.discard(t);
        }
      }
    }
  }
}
