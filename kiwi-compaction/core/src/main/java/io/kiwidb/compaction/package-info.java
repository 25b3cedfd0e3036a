/**
 * Compaction pickers ({@link io.kiwidb.compaction.leveled.LeveledCompaction}, {@link
 * io.kiwidb.compaction.tiered.TieredCompaction}) and the format-independent merge logic ({@link
 * io.kiwidb.compaction.MergingIterator}, {@link io.kiwidb.compaction.LevelIterator}, {@link
 * io.kiwidb.compaction.VersionPruningIterator}). See {@code docs/compaction.md}.
 */
package io.kiwidb.compaction;
