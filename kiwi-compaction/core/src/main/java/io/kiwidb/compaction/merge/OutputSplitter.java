package io.kiwidb.compaction.merge;

import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Levels;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides where a compaction ends one output file and starts the next: at the target file size, or
 * earlier, once the file holds at least half the target, where the keys step past the end of a file
 * in the level below the output level.
 *
 * <p>Why: an output file is later compacted one level further down together with every file of that
 * level it overlaps. A file cut at an arbitrary key overlaps, on average, half a file more at each
 * end than its key range holds; one cut where a file below ends brings in only the files its range
 * covers. With uniform keys and a 3:1 ratio between the two levels, that is about a quarter less
 * rewritten per byte moved down. The half-target floor keeps files from getting small when the
 * level below has many small files.
 *
 * <p>Use: call {@link #splitBefore} once per new user key, in ascending key order, with the size of
 * the output file being written (0 when none is open); when it returns true, finish that file and
 * start a new one with the key. Versions of one user key are never split because the caller only
 * asks between user keys.
 *
 * <p>Thread safety: not thread-safe; one instance per compaction.
 */
public final class OutputSplitter {
  private final List<TableMeta> below;
  private final long targetFileBytes;
  private int next;

  /**
   * A splitter for outputs of target size {@code targetFileBytes}, aligned with the files of {@code
   * levelBelow} (the level under the output level, in any order; empty when the output level is the
   * last).
   */
  public OutputSplitter(List<TableMeta> levelBelow, long targetFileBytes) {
    if (targetFileBytes < 1) {
      throw new IllegalArgumentException("targetFileBytes must be positive: " + targetFileBytes);
    }
    this.below = new ArrayList<>(levelBelow);
    this.below.sort(Levels.BY_SMALLEST_KEY);
    this.targetFileBytes = targetFileBytes;
  }

  /**
   * Whether to finish the current output file (holding {@code currentFileBytes}) before adding
   * {@code userKey}, the next user key of the merged output.
   */
  public boolean splitBefore(byte[] userKey, long currentFileBytes) {
    boolean crossed = false;
    while (next < below.size() && KeyOrder.compareKeys(userKey, below.get(next).largestKey()) > 0) {
      next++;
      crossed = true;
    }
    if (currentFileBytes <= 0) {
      return false;
    }
    return currentFileBytes >= targetFileBytes
        || (crossed && currentFileBytes >= targetFileBytes / 2);
  }
}
