/**
 * Compaction pickers ({@link io.kiwidb.compaction.leveled.LeveledCompaction}, {@link
 * io.kiwidb.compaction.tiered.TieredCompaction}) and the format-independent merge logic ({@link
 * io.kiwidb.compaction.merge.MergingIterator}, {@link io.kiwidb.sstable.store.LevelIterator},
 * {@link io.kiwidb.compaction.merge.VersionPruningIterator}). See {@code docs/compaction.md}.
 */
package io.kiwidb.compaction;
