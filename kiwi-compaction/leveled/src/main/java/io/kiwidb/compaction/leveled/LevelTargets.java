package io.kiwidb.compaction.leveled;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.compaction.Levels;

/**
 * The size targets of the leveled picker for one view, and the <i>base level</i>: the level L0
 * compacts into.
 *
 * <p><b>Static</b> ({@code level_compaction_dynamic_level_bytes = false}): the base level is L1 and
 * level {@code k} targets {@code base_level_bytes * multiplier^(k-1)}, whatever the data.
 *
 * <p><b>Dynamic</b> (the default): targets are derived bottom up from the largest level below L0
 * (normally the last), as RocksDB's {@code level_compaction_dynamic_level_bytes} does: once the
 * store outgrows {@code base_level_bytes * multiplier}, the last level holds about {@code
 * multiplier/(multiplier+1)} of the data whatever its size. Static targets give a young store a
 * full-size L1 above a mostly empty L2, and every byte passing through L1 is then rewritten into a
 * level that is neither small nor final. Dynamically:
 *
 * <ol>
 *   <li>With nothing below L0, the base level is the last level: flushes merge straight into it.
 *   <li>Otherwise start from the largest level's size and divide by the multiplier once per level
 *       from the last level up to the first non-empty level. If what is left is still above {@code
 *       base_level_bytes}, move the base level up (dividing again) until it fits or L1 is reached.
 *       The base level is never deeper than the first non-empty level, so the levels above it are
 *       empty.
 *   <li>Level {@code k >= base} targets {@code baseSize * multiplier^(k-base)}, but never less than
 *       {@code base_level_bytes}: a tiny target high up would make the picker favour pushing a
 *       small level down over draining L0.
 * </ol>
 *
 * <p>Example ({@code base_level_bytes 256MB}, multiplier 10, L1..L6): 200MB in L6 alone gives base
 * L6 (L0 merges into L6). 900MB in L6 gives base L5 (900MB/10 = 90MB fits 256MB), target 256MB.
 * 30GB in L6 gives 3GB at L5 and 300MB at L4, both too big, so base L3 (30MB), with targets L3
 * 256MB, L4 300MB, L5 3GB.
 *
 * <p>Invariants: {@code 1 <= baseLevel() <= lastLevel()}; every level strictly between L0 and the
 * base level is empty in the view the targets were computed from.
 */
final class LevelTargets {
  private final int baseLevel;
  private final int lastLevel;
  private final long[] targets;

  private LevelTargets(int baseLevel, int lastLevel, long[] targets) {
    this.baseLevel = baseLevel;
    this.lastLevel = lastLevel;
    this.targets = targets;
  }

  /** The targets for {@code view} under {@code options}. */
  static LevelTargets of(LevelView view, CompactionOptions options) {
    int last = Levels.lastLevel(view, options);
    long[] targets = new long[last + 1];
    if (!options.dynamicLevelBytes()) {
      for (int level = 1; level <= last; level++) {
        targets[level] = options.targetBytes(level);
      }
      return new LevelTargets(1, last, targets);
    }
    double multiplier = options.levelSizeMultiplier();
    double baseMax = (double) options.baseLevelBytes();
    int firstNonEmpty = -1;
    long largest = 0;
    for (int level = 1; level <= last; level++) {
      long bytes = Levels.bytes(view, level);
      if (bytes > 0 && firstNonEmpty < 0) {
        firstNonEmpty = level;
      }
      largest = Math.max(largest, bytes);
    }
    int base;
    double baseSize;
    if (firstNonEmpty < 0) {
      base = last;
      baseSize = baseMax;
    } else {
      double size = (double) largest;
      for (int level = last - 1; level >= firstNonEmpty; level--) {
        size /= multiplier;
      }
      base = firstNonEmpty;
      while (base > 1 && size > baseMax) {
        base--;
        size /= multiplier;
      }
      // Below base_level_bytes / multiplier the store has more non-empty levels than its size
      // needs; the floor below then keeps those levels at base_level_bytes.
      baseSize = Math.min(size, baseMax);
    }
    double size = baseSize;
    for (int level = base; level <= last; level++) {
      targets[level] = (long) Math.max(size, baseMax);
      size *= multiplier;
    }
    return new LevelTargets(base, last, targets);
  }

  /** The level L0 compacts into. */
  int baseLevel() {
    return baseLevel;
  }

  /** The last level, which is never compacted down. */
  int lastLevel() {
    return lastLevel;
  }

  /**
   * The target size of {@code level} (1 to the last level); 0 for the empty levels above the base
   * level, which are not in use.
   */
  long target(int level) {
    return targets[level];
  }
}
