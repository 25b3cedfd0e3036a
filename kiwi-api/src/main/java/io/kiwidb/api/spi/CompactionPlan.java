package io.kiwidb.api.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * What a picker decided: merge {@code inputs} (from one or two levels) into {@code outputLevel}.
 *
 * @param inputs every input file, from the start level and the overlapping files of the output
 *     level
 * @param outputLevel where the merged files go
 * @param targetFileBytes where to split output files
 * @param reason a short, human-readable reason for logs and golden files, e.g. {@code "L0 count 4
 *     >= 4"}
 * @param nextCursor the compaction cursor of {@link #startLevel()} to keep for the next pick
 *     ({@link LevelView#compactCursor}), or {@code null} to leave that level's cursor as it is: a
 *     picker that walks a level round robin stays a pure function because the scheduler carries its
 *     position from one plan to the next view
 * @param alignOutputs whether the job should also cut output files where a file of the level below
 *     the output level ends (from half the target size on), so the outputs overlap fewer files
 *     there when they are compacted in turn; worth it where the output level is itself compacted
 *     file by file (leveled), not where whole levels merge (tiered)
 */
public record CompactionPlan(
    List<TableMeta> inputs,
    int outputLevel,
    long targetFileBytes,
    String reason,
    byte[] nextCursor,
    boolean alignOutputs) {
  /** Copies the list and checks it is not empty. */
  public CompactionPlan {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a compaction plan needs at least one input");
    }
    nextCursor = nextCursor == null ? null : nextCursor.clone();
  }

  /** A plan that leaves cursors alone and splits outputs at the target size only. */
  public CompactionPlan(
      List<TableMeta> inputs, int outputLevel, long targetFileBytes, String reason) {
    this(inputs, outputLevel, targetFileBytes, reason, null, false);
  }

  /** The shallowest level among the inputs: the level the compaction starts from. */
  public int startLevel() {
    int min = Integer.MAX_VALUE;
    for (TableMeta t : inputs) {
      min = Math.min(min, t.level());
    }
    return min;
  }

  /** The inputs that live in {@code level}, in plan order. */
  public List<TableMeta> inputsAt(int level) {
    List<TableMeta> out = new ArrayList<>();
    for (TableMeta t : inputs) {
      if (t.level() == level) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Whether the plan is a trivial move: one input file from another level, which the job can
   * re-parent with a manifest edit instead of rewriting. A picker only emits such a plan when no
   * file of the output level overlaps the input and no older file shadows it, so moving is always
   * equivalent to merging.
   */
  public boolean isTrivialMove() {
    return inputs.size() == 1 && inputs.get(0).level() != outputLevel;
  }
}
