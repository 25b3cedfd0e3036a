package io.kiwidb.api.spi;

/**
 * The tuning a compaction picker reads, taken from config.
 *
 * @param l0CompactionThreshold L0 file count that triggers compaction out of L0
 * @param maxLevels levels below L0
 * @param baseLevelBytes the target size of L1 (with {@code dynamicLevelBytes}: of the level L0
 *     compacts into)
 * @param levelSizeMultiplier how much larger each deeper level's target is
 * @param targetFileBytes where compaction splits output files
 * @param dynamicLevelBytes whether the leveled picker derives level targets from the last level's
 *     actual size (config {@code level_compaction_dynamic_level_bytes}) instead of from {@code
 *     baseLevelBytes} down; other strategies ignore it
 */
public record CompactionOptions(
    int l0CompactionThreshold,
    int maxLevels,
    long baseLevelBytes,
    double levelSizeMultiplier,
    long targetFileBytes,
    boolean dynamicLevelBytes) {
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

  /**
   * Options with dynamic level targets, the default of {@code
   * level_compaction_dynamic_level_bytes}.
   */
  public CompactionOptions(
      int l0CompactionThreshold,
      int maxLevels,
      long baseLevelBytes,
      double levelSizeMultiplier,
      long targetFileBytes) {
    this(
        l0CompactionThreshold,
        maxLevels,
        baseLevelBytes,
        levelSizeMultiplier,
        targetFileBytes,
        true);
  }

  /**
   * The static target size of level {@code level} (1-based; L0 is governed by file count): {@code
   * baseLevelBytes * levelSizeMultiplier^(level-1)}. The leveled picker with {@code
   * dynamicLevelBytes} computes its own targets from the level sizes instead.
   */
  public long targetBytes(int level) {
    double target = baseLevelBytes;
    for (int i = 1; i < level; i++) {
      target *= levelSizeMultiplier;
    }
    return (long) Math.min(target, Long.MAX_VALUE);
  }
}
