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
 */
public record CompactionPlan(
    List<TableMeta> inputs, int outputLevel, long targetFileBytes, String reason) {
  /** Copies the list and checks it is not empty. */
  public CompactionPlan {
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a compaction plan needs at least one input");
    }
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
