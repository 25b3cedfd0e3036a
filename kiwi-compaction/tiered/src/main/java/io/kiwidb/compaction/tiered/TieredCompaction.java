package io.kiwidb.compaction.tiered;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Levels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Size-tiered compaction ({@code compaction_strategy = tiered}), in the universal style: data is
 * kept as a stack of sorted runs, newest on top, and compaction only ever merges <em>whole,
 * adjacent</em> runs, never a slice of one. Each L0 file is a run; every deeper level L(k) holds at
 * most one run (possibly split into several non-overlapping files) and is a slot with capacity
 * {@code targetBytes(k) = base_level_bytes * multiplier^(k-1)}. So adjacent runs differ in size by
 * about the multiplier, and a run merges into the next one only once it has grown to within that
 * factor of it: runs of similar size merge. The full rules and a worked example are in {@code
 * docs/compaction.md}:
 *
 * <ol>
 *   <li><b>Scores</b> as in {@link LeveledCompaction}: L0 {@code files / l0_compaction_threshold},
 *       L(k) {@code run bytes / capacity(k)}; the last level is never compacted down; levels
 *       scoring at least 1 are tried by score descending, ties to the shallower level.
 *   <li><b>L0 trigger.</b> All L0 files and the run of L1 merge. While the merged size would
 *       overflow the slot it lands in and a deeper level exists, the next run down joins the merge
 *       and the output moves one level deeper. The output lands in the shallowest slot that holds
 *       it (or the last level).
 *   <li><b>Cascade.</b> A run over its capacity merges with the run below, extended downwards by
 *       the same rule.
 *   <li>Any busy file among the runs a candidate needs skips that candidate. A single input file
 *       with empty slots below becomes a trivial move.
 * </ol>
 *
 * <p><b>The reference's scheme as a special case.</b> The seed system merges L0 into one file in L1
 * at the threshold and cascades a level into the next when it passes 10x sizes. That is exactly
 * rules 2 and 3 whenever each merge fits the slot it lands in. When it would not, the reference
 * writes the merged run into L(k) and, on its next check, rewrites it into L(k+1); this picker goes
 * straight to L(k+1), reaching the same shape with one rewrite less. With {@code max_levels = 3},
 * {@code level_size_multiplier = 10} and {@code target_file_bytes} at least the run size, the
 * shapes are the reference's: one file per level, L1..L3.
 *
 * <p>Newer data never lands below older data: a merge always takes every run between its top and
 * its output level, so the stack order of runs is preserved.
 *
 * <p>Thread safety: stateless; safe from any thread.
 */
public final class TieredCompaction implements CompactionStrategy {
  /** The config name. */
  public static final String NAME = "tiered";

  /** Creates the strategy (ServiceLoader does this). */
  public TieredCompaction() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<CompactionPlan> pick(LevelView view, CompactionOptions options) {
    int last = Levels.lastLevel(view, options);
    List<Levels.Scored> candidates = new ArrayList<>();
    int l0 = Levels.files(view, 0).size();
    candidates.add(new Levels.Scored(0, (double) l0 / options.l0CompactionThreshold()));
    for (int level = 1; level < last; level++) {
      candidates.add(
          new Levels.Scored(
              level, (double) Levels.bytes(view, level) / options.targetBytes(level)));
    }
    candidates.sort(null);
    for (Levels.Scored c : candidates) {
      if (c.score() < 1.0) {
        break;
      }
      Optional<CompactionPlan> plan = mergeRunsFrom(view, options, c, last);
      if (plan.isPresent()) {
        return plan;
      }
    }
    return Optional.empty();
  }

  /**
   * Merges the run(s) of {@code top} with the runs below it, down to the shallowest slot that holds
   * the result.
   */
  private static Optional<CompactionPlan> mergeRunsFrom(
      LevelView view, CompactionOptions o, Levels.Scored top, int last) {
    Set<Long> busy = view.busyFiles();
    int from = top.level();
    List<TableMeta> inputs = new ArrayList<>();
    List<TableMeta> topFiles = new ArrayList<>(Levels.files(view, from));
    topFiles.sort(from == 0 ? Levels.OLDEST_FIRST.reversed() : Levels.BY_SMALLEST_KEY);
    inputs.addAll(topFiles);
    long merged = Levels.bytes(view, from);
    int out = from + 1;
    merged += addLevel(view, out, inputs);
    while (merged > o.targetBytes(out) && out < last) {
      out++;
      merged += addLevel(view, out, inputs);
    }
    if (Levels.anyBusy(inputs, busy)) {
      return Optional.empty();
    }
    String reason =
        from == 0
            ? "L0 files " + topFiles.size() + " >= threshold " + o.l0CompactionThreshold()
            : "L"
                + from
                + " run "
                + Levels.size(Levels.bytes(view, from))
                + " > capacity "
                + Levels.size(o.targetBytes(from));
    reason +=
        out == last && merged > o.targetBytes(out)
            ? "; merged " + Levels.size(merged) + " lands in the last level"
            : "; merged "
                + Levels.size(merged)
                + " fits L"
                + out
                + " capacity "
                + Levels.size(o.targetBytes(out));
    if (inputs.size() == 1) {
      reason = "trivial move: " + reason;
    }
    return Optional.of(new CompactionPlan(inputs, out, o.targetFileBytes(), reason));
  }

  private static long addLevel(LevelView view, int level, List<TableMeta> inputs) {
    List<TableMeta> files = new ArrayList<>(Levels.files(view, level));
    files.sort(Levels.BY_SMALLEST_KEY);
    inputs.addAll(files);
    return Levels.bytes(view, level);
  }
}
