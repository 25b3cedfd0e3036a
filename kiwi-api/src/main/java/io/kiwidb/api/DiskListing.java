package io.kiwidb.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The listing form of {@link StorageEngine#showDisk()}: the table files of each level. JSON form:
 * {@code {"L0": [{...}, ...], "L1": [...], ...}} (the engine's JSON view writes the map itself).
 *
 * @param levels level name ({@code "L0"}, {@code "L1"}, ...) to its files; L0 newest first, deeper
 *     levels by key range
 */
public record DiskListing(Map<String, List<TableSummary>> levels) {
  /** Keeps the level order and makes the map read-only. */
  public DiskListing {
    Map<String, List<TableSummary>> copy = new LinkedHashMap<>();
    levels.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    levels = Collections.unmodifiableMap(copy);
  }

  /** The number of files in L0. */
  public int l0Count() {
    return levels.getOrDefault("L0", List.of()).size();
  }
}
