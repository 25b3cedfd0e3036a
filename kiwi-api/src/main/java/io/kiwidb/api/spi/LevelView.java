package io.kiwidb.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An immutable view of the level structure for a compaction picker: the files of L0 (newest first)
 * and of L1..Ln (by smallest key), and the files already being compacted, which a picker must not
 * choose again.
 *
 * @param levels {@code levels.get(i)} is the files of level i
 * @param busyFiles file numbers that running compactions hold
 */
public record LevelView(List<List<TableMeta>> levels, Set<Long> busyFiles) {
  /** Copies the lists. */
  public LevelView {
    List<List<TableMeta>> copy = new ArrayList<>(levels.size());
    for (List<TableMeta> level : levels) {
      copy.add(List.copyOf(level));
    }
    levels = List.copyOf(copy);
    busyFiles = Set.copyOf(busyFiles);
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
