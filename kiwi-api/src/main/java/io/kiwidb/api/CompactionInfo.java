package io.kiwidb.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One compaction, running or finished, as {@link StorageEngine#compactions()} reports it.
 *
 * @param id a number unique within one open engine, increasing in start order
 * @param strategy the {@code compaction_strategy} that picked it ({@code leveled}, {@code tiered})
 * @param reason why the strategy picked it, in its own words (e.g. {@code "L0 file count 4 >= 4"})
 * @param outputLevel the level the outputs go to
 * @param inputFiles the input table ids (file numbers), with their levels: {@code "L0:12"}
 * @param inputBytes the inputs' total size
 * @param outputFiles the output table ids; empty while running, and for a trivial move the moved
 *     file
 * @param outputBytes bytes written; 0 while running and for a trivial move
 * @param trivialMove whether the one input file was moved down a level without being rewritten
 * @param started when it started (wall clock)
 * @param duration how long it ran; {@code null} while it runs
 * @param error why it failed, or {@code null} (running or succeeded)
 */
public record CompactionInfo(
    long id,
    String strategy,
    String reason,
    int outputLevel,
    List<String> inputFiles,
    long inputBytes,
    List<String> outputFiles,
    long outputBytes,
    boolean trivialMove,
    Instant started,
    Duration duration,
    String error) {
  /** Makes the lists read-only. */
  public CompactionInfo {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(started, "started");
    inputFiles = List.copyOf(inputFiles);
    outputFiles = List.copyOf(outputFiles);
  }

  /** Whether it is still running. */
  public boolean running() {
    return duration == null;
  }
}
