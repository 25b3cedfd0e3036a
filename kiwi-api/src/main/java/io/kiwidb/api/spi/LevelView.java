package io.kiwidb.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable view of the level structure for a compaction picker: the files of L0 (newest first)
 * and of L1..Ln (by smallest key), the files already being compacted, which a picker must not
 * choose again, and optional per-level compaction cursors.
 *
 * <p>A cursor lets a picker that walks a level in key order (round robin, as LevelDB's compaction
 * pointer does) stay a pure function: the caller keeps the cursor between picks and passes it in. A
 * missing cursor means "start from the smallest key"; losing cursors (for example on restart) is
 * harmless.
 *
 * @param levels {@code levels.get(i)} is the files of level i
 * @param busyFiles file numbers that running compactions hold
 * @param compactCursors by level: the largest user key of the last file a picker took out of that
 *     level; levels without an entry start from the smallest key
 */
public record LevelView(
    List<List<TableMeta>> levels, Set<Long> busyFiles, Map<Integer, byte[]> compactCursors) {
  /** Copies the lists. */
  public LevelView {
    List<List<TableMeta>> copy = new ArrayList<>(levels.size());
    for (List<TableMeta> level : levels) {
      copy.add(List.copyOf(level));
    }
    levels = List.copyOf(copy);
    busyFiles = Set.copyOf(busyFiles);
    compactCursors = Map.copyOf(compactCursors);
  }

  /** A view without compaction cursors. */
  public LevelView(List<List<TableMeta>> levels, Set<Long> busyFiles) {
    this(levels, busyFiles, Map.of());
  }

  /** The compaction cursor of a level, or {@code null} when it has none. */
  public byte[] compactCursor(int level) {
    return compactCursors.get(level);
  }

  /** The number of levels, L0 included. */
  public int levelCount() {
    return levels.size();
  }

  /** The files of a level. */
  public List<TableMeta> level(int level) {
    return levels.get(level);
  }

  /** The total size of a level's files. */
  public long levelBytes(int level) {
    long sum = 0;
    for (TableMeta t : levels.get(level)) {
      sum += t.sizeBytes();
    }
    return sum;
  }
}
