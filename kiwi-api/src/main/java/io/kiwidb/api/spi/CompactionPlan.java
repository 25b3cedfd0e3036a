package io.kiwidb.api.spi;

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
}
