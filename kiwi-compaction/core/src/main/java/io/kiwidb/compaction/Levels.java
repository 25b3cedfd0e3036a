package io.kiwidb.compaction;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Small pure helpers the pickers share: level bounds, overlap queries, and the formatting of sizes
 * in plan reasons.
 */
public final class Levels {
  /** L0 from oldest to newest: by largest sequence, then file number. */
  public static final Comparator<TableMeta> OLDEST_FIRST = TableMeta.OLDEST_FIRST;

  /** L1 and deeper: by smallest key. */
  public static final Comparator<TableMeta> BY_SMALLEST_KEY = TableMeta.BY_SMALLEST_KEY;

  private Levels() {}

  /**
   * The deepest level: {@code max_levels}, or deeper when the view already holds files below it (a
   * store reopened with a smaller {@code max_levels}); that level is never compacted down.
   */
  public static int lastLevel(LevelView view, CompactionOptions options) {
    int deepestNonEmpty = 0;
    for (int i = 0; i < view.levelCount(); i++) {
      if (!view.level(i).isEmpty()) {
        deepestNonEmpty = i;
      }
    }
    return Math.max(options.maxLevels(), deepestNonEmpty);
  }

  /** The files of a level, or none when the view is shorter than that. */
  public static List<TableMeta> files(LevelView view, int level) {
    return level < view.levelCount() ? view.level(level) : List.of();
  }

  /** The total size of the files of a level that no running compaction holds. */
  public static long idleBytes(LevelView view, int level) {
    long sum = 0;
    for (TableMeta t : files(view, level)) {
      if (!view.busyFiles().contains(t.fileNumber())) {
        sum += t.sizeBytes();
      }
    }
    return sum;
  }

  /** The total size of a level's files. */
  public static long bytes(LevelView view, int level) {
    long sum = 0;
    for (TableMeta t : files(view, level)) {
      sum += t.sizeBytes();
    }
    return sum;
  }

  /** The files of {@code files} whose range intersects {@code [smallest, largest]}. */
  public static List<TableMeta> overlapping(
      List<TableMeta> files, byte[] smallest, byte[] largest) {
    List<TableMeta> out = new ArrayList<>();
    for (TableMeta t : files) {
      if (t.overlaps(smallest, largest)) {
        out.add(t);
      }
    }
    return out;
  }

  /** Whether any of {@code files} is held by a running compaction. */
  public static boolean anyBusy(List<TableMeta> files, Set<Long> busy) {
    for (TableMeta t : files) {
      if (busy.contains(t.fileNumber())) {
        return true;
      }
    }
    return false;
  }

  /** The smallest key of a non-empty list of files. */
  public static byte[] smallest(List<TableMeta> files) {
    byte[] min = files.get(0).smallestKey();
    for (TableMeta t : files) {
      if (KeyOrder.compareKeys(t.smallestKey(), min) < 0) {
        min = t.smallestKey();
      }
    }
    return min;
  }

  /** The largest key of a non-empty list of files. */
  public static byte[] largest(List<TableMeta> files) {
    byte[] max = files.get(0).largestKey();
    for (TableMeta t : files) {
      if (KeyOrder.compareKeys(t.largestKey(), max) > 0) {
        max = t.largestKey();
      }
    }
    return max;
  }

  /** A size for humans ({@link Bytes#formatSize}). */
  public static String size(long bytes) {
    return Bytes.formatSize(bytes);
  }

  /** A score with two decimals, independent of the default locale. */
  public static String score(double score) {
    return String.format(Locale.ROOT, "%.2f", score);
  }

  /** A level with its compaction score, ordered by score descending, then level ascending. */
  public record Scored(int level, double score) implements Comparable<Scored> {
    @Override
    public int compareTo(Scored o) {
      int c = Double.compare(o.score, score);
      return c != 0 ? c : Integer.compare(level, o.level);
    }
  }
}
