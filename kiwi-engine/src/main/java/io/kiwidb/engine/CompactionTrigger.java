package io.kiwidb.engine;

/** What the flush pipeline tells compaction: the level structure changed, look again. */
@FunctionalInterface
interface CompactionTrigger {
  /** Asks for a compaction check soon (never waits). */
  void levelsChanged();
}
