package io.kiwidb.api.spi;

import java.util.Optional;

/**
 * Chooses what to compact next. Config key {@code compaction_strategy} picks one by {@link #name()}
 * ({@code leveled} by default, or {@code tiered}).
 *
 * <p>A picker is a pure function of the level view and options: no I/O, no clock, no hidden state,
 * so it can be tested with golden files.
 */
public interface CompactionStrategy extends NamedProvider {
  /**
   * The next compaction, or empty when nothing needs compacting. Must not pick a file in {@link
   * LevelView#busyFiles()}.
   */
  Optional<CompactionPlan> pick(LevelView view, CompactionOptions options);
}
