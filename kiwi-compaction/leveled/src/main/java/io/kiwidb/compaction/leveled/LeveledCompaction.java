package io.kiwidb.compaction.leveled;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Levels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Leveled compaction ({@code compaction_strategy = leveled}, the default), in the LevelDB/RocksDB
 * manner: L0 holds overlapping flushed files; every deeper level is one sorted run of
 * non-overlapping files with a size target ten times (the multiplier) the level above. The full
 * rules, with a worked example, are in {@code docs/compaction.md}; in short:
 *
 * <ol>
 *   <li><b>Targets.</b> {@link LevelTargets}: with {@code level_compaction_dynamic_level_bytes}
 *       (the default) they are derived from the last level's actual size upward, and L0 compacts
 *       into the <i>base level</i>, the shallowest level in use; without it, L1 is the base level
 *       and targets grow from {@code base_level_bytes} down.
 *   <li><b>Scores.</b> L0 scores {@code idle L0 files / l0_compaction_threshold}; the base level
 *       down to the level above the last score {@code idle level bytes / target bytes}, where idle
 *       means not held by a running compaction (so a level whose excess is already being compacted
 *       is not picked again). The last level has no score: it is never compacted down. Levels
 *       scoring at least 1 are tried by score descending, ties to the shallower level; the first
 *       that yields a plan wins.
 *   <li><b>L0 to the base level.</b> Seeds are tried oldest first. A seed takes every L0 file that
 *       overlaps it, transitively, then every base-level file overlapping the resulting range.
 *       Taking all overlapping L0 files, not just older ones, keeps the rule simple and guarantees
 *       that no older L0 file is left above newer data moved down.
 *   <li><b>L(i) to L(i+1).</b> One file of L(i) is chosen: the one with the least overlap ratio,
 *       i.e. the fewest bytes of L(i+1) to rewrite per byte moved down (as RocksDB's default {@code
 *       kMinOverlappingRatio}). Ties go to the first in key order after the level's compaction
 *       cursor ({@link LevelView#compactCursor}), wrapping around to the start; the cursor is state
 *       the caller keeps ({@link CompactionPlan#nextCursor()}), so the picker stays a pure
 *       function. Neighbours sharing a boundary user key are taken along, then the overlapping
 *       files of L(i+1).
 *   <li><b>Trivial move.</b> A single chosen file overlapping nothing in the output level (and, in
 *       L0, no other L0 file) becomes a plan with one input, which the job re-parents instead of
 *       rewriting ({@link CompactionPlan#isTrivialMove()}).
 *   <li>A candidate any of whose files is busy is skipped, and the next one tried.
 * </ol>
 *
 * <p>Thread safety: stateless; safe from any thread.
 */
public final class LeveledCompaction implements CompactionStrategy {
  /** The config name. */
  public static final String NAME = "leveled";

  /** Creates the strategy (ServiceLoader does this). */
  public LeveledCompaction() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<CompactionPlan> pick(LevelView view, CompactionOptions options) {
    LevelTargets targets = LevelTargets.of(view, options);
    List<Levels.Scored> candidates = new ArrayList<>();
    int idleL0 = 0;
    for (TableMeta t : Levels.files(view, 0)) {
      if (!view.busyFiles().contains(t.fileNumber())) {
        idleL0++;
      }
    }
    candidates.add(new Levels.Scored(0, (double) idleL0 / options.l0CompactionThreshold()));
    for (int level = targets.baseLevel(); level < targets.lastLevel(); level++) {
      candidates.add(
          new Levels.Scored(level, (double) Levels.idleBytes(view, level) / targets.target(level)));
    }
    candidates.sort(null);
    for (Levels.Scored c : candidates) {
      if (c.score() < 1.0) {
        break;
      }
      Optional<CompactionPlan> plan =
          c.level() == 0
              ? pickL0(view, options, idleL0, targets.baseLevel())
              : pickLevel(view, options, c, targets.target(c.level()));
      if (plan.isPresent()) {
        return plan;
      }
    }
    return Optional.empty();
  }

  /**
   * A plan whose cursor for the start level is the largest key taken out of it, so the next pick
   * there continues after it (the scheduler passes it back in {@link LevelView#compactCursors()}),
   * and whose outputs are cut along the files of the level below.
   */
  private static CompactionPlan plan(
      List<TableMeta> inputs, int outputLevel, CompactionOptions o, String reason) {
    int start = outputLevel;
    for (TableMeta t : inputs) {
      start = Math.min(start, t.level());
    }
    List<TableMeta> taken = new ArrayList<>();
    for (TableMeta t : inputs) {
      if (t.level() == start) {
        taken.add(t);
      }
    }
    return new CompactionPlan(
        inputs, outputLevel, o.targetFileBytes(), reason, Levels.largest(taken), true);
  }

  private static Optional<CompactionPlan> pickL0(
      LevelView view, CompactionOptions o, int idle, int baseLevel) {
    Set<Long> busy = view.busyFiles();
    List<TableMeta> l0 = new ArrayList<>(Levels.files(view, 0));
    l0.sort(Levels.OLDEST_FIRST);
    List<TableMeta> base = Levels.files(view, baseLevel);
    for (TableMeta seed : l0) {
      if (busy.contains(seed.fileNumber())) {
        continue;
      }
      byte[] lo = seed.smallestKey();
      byte[] hi = seed.largestKey();
      List<TableMeta> fromL0;
      while (true) {
        fromL0 = Levels.overlapping(l0, lo, hi);
        byte[] newLo = Levels.smallest(fromL0);
        byte[] newHi = Levels.largest(fromL0);
        if (KeyOrder.compareKeys(newLo, lo) == 0 && KeyOrder.compareKeys(newHi, hi) == 0) {
          break;
        }
        lo = newLo;
        hi = newHi;
      }
      List<TableMeta> fromBase = Levels.overlapping(base, lo, hi);
      if (Levels.anyBusy(fromL0, busy) || Levels.anyBusy(fromBase, busy)) {
        continue;
      }
      // Newest first, as L0 is read; then the base level in key order.
      fromL0.sort(Levels.OLDEST_FIRST.reversed());
      List<TableMeta> inputs = new ArrayList<>(fromL0);
      inputs.addAll(fromBase);
      String reason = "L0 files " + idle + " >= threshold " + o.l0CompactionThreshold();
      if (inputs.size() == 1) {
        reason = "trivial move: " + reason;
      }
      return Optional.of(plan(inputs, baseLevel, o, reason));
    }
    return Optional.empty();
  }

  private static Optional<CompactionPlan> pickLevel(
      LevelView view, CompactionOptions o, Levels.Scored scored, long target) {
    int level = scored.level();
    Set<Long> busy = view.busyFiles();
    List<TableMeta> files = new ArrayList<>(Levels.files(view, level));
    files.sort(Levels.BY_SMALLEST_KEY);
    List<TableMeta> next = Levels.files(view, level + 1);
    int start = firstAfterCursor(files, view.compactCursor(level));
    List<TableMeta> chosen = null;
    List<TableMeta> below = null;
    double best = Double.MAX_VALUE;
    for (int n = 0; n < files.size(); n++) {
      int index = (start + n) % files.size();
      if (busy.contains(files.get(index).fileNumber())) {
        continue;
      }
      List<TableMeta> candidate = withBoundaryNeighbours(files, index);
      List<TableMeta> overlap =
          Levels.overlapping(next, Levels.smallest(candidate), Levels.largest(candidate));
      if (Levels.anyBusy(candidate, busy) || Levels.anyBusy(overlap, busy)) {
        continue;
      }
      // Bytes rewritten below per byte moved down; strictly less, so ties keep cursor order.
      double ratio = (double) sum(overlap) / Math.max(1, sum(candidate));
      if (ratio < best) {
        best = ratio;
        chosen = candidate;
        below = overlap;
      }
    }
    if (chosen == null) {
      return Optional.empty();
    }
    List<TableMeta> inputs = new ArrayList<>(chosen);
    inputs.addAll(below);
    String reason =
        "L"
            + level
            + " score "
            + Levels.score(scored.score())
            + " ("
            + Levels.size(Levels.idleBytes(view, level))
            + " / target "
            + Levels.size(target)
            + ")";
    if (inputs.size() == 1) {
      reason = "trivial move: " + reason;
    }
    return Optional.of(plan(inputs, level + 1, o, reason));
  }

  /** The total size of {@code files}. */
  private static long sum(List<TableMeta> files) {
    long s = 0;
    for (TableMeta t : files) {
      s += t.sizeBytes();
    }
    return s;
  }

  /** The index of the first file whose smallest key is after {@code cursor}, or 0 (wrap). */
  private static int firstAfterCursor(List<TableMeta> files, byte[] cursor) {
    if (cursor == null) {
      return 0;
    }
    for (int i = 0; i < files.size(); i++) {
      if (KeyOrder.compareKeys(files.get(i).smallestKey(), cursor) > 0) {
        return i;
      }
    }
    return 0;
  }

  /**
   * The file at {@code index} plus any neighbours that share a boundary user key with it. Outputs
   * are split only between user keys, so this normally adds nothing; it keeps all versions of a key
   * moving together even if a file set ever breaks that rule: an older version left behind in L(i)
   * would shadow the newer one moved into L(i+1).
   */
  private static List<TableMeta> withBoundaryNeighbours(List<TableMeta> files, int index) {
    int lo = index;
    while (lo > 0
        && KeyOrder.compareKeys(files.get(lo - 1).largestKey(), files.get(lo).smallestKey()) >= 0) {
      lo--;
    }
    int hi = index;
    while (hi + 1 < files.size()
        && KeyOrder.compareKeys(files.get(hi).largestKey(), files.get(hi + 1).smallestKey()) >= 0) {
      hi++;
    }
    return new ArrayList<>(files.subList(lo, hi + 1));
  }
}
