package io.kiwidb.api.spi;

/**
 * The tuning a compaction picker reads, taken from config.
 *
 * @param l0CompactionThreshold L0 file count that triggers compaction out of L0
 * @param maxLevels levels below L0
 * @param baseLevelBytes the target size of L1
 * @param levelSizeMultiplier how much larger each deeper level's target is
 * @param targetFileBytes where compaction splits output files
 */
public record CompactionOptions(
    int l0CompactionThreshold,
    int maxLevels,
    long baseLevelBytes,
    double levelSizeMultiplier,
    long targetFileBytes) {
  /** Validates the values. */
  public CompactionOptions {
    if (l0CompactionThreshold < 1
        || maxLevels < 1
        || baseLevelBytes < 1
        || levelSizeMultiplier <= 1
        || targetFileBytes < 1) {
      throw new IllegalArgumentException("invalid compaction options: " + this);
    }
  }

  /** The target size of level {@code level} (1-based; L0 is governed by file count). */
  public long targetBytes(int level) {
    double target = baseLevelBytes;
    for (int i = 1; i < level; i++) {
      target *= levelSizeMultiplier;
    }
    return (long) Math.min(target, Long.MAX_VALUE);
  }
}
