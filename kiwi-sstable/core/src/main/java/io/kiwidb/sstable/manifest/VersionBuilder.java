package io.kiwidb.sstable.manifest;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates edits on top of a base version and builds the result, checking on the way every
 * invariant {@link Version} promises. Replay uses one builder for a whole manifest (so it costs
 * O(files) per edit, not a sort per edit); {@link VersionSet#logAndApply} uses one per edit and
 * drops it if the edit is rejected, which leaves the current version untouched.
 *
 * <p>Thread safety: none; confined to the thread that builds.
 */
final class VersionBuilder {
  private final List<Map<Long, TableMeta>> levels = new ArrayList<>();
  private final Map<Long, Integer> levelOf = new HashMap<>();

  VersionBuilder(Version base) {
    for (int i = 0; i < base.levelCount(); i++) {
      Map<Long, TableMeta> files = new LinkedHashMap<>();
      for (TableMeta t : base.level(i)) {
        files.put(t.fileNumber(), t);
        levelOf.put(t.fileNumber(), i);
      }
      levels.add(files);
    }
  }

  /**
   * Applies an edit's deletions, then its additions (so deleting a file and adding it to another
   * level moves it).
   *
   * @throws IllegalArgumentException if the edit deletes a file the level does not hold, or adds a
   *     file number that is already present; the builder is then unusable
   */
  VersionBuilder apply(VersionEdit edit) {
    for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
      Integer at = levelOf.get(d.fileNumber());
      if (at == null || at != d.level()) {
        throw new IllegalArgumentException(
            "edit deletes file "
                + d.fileNumber()
                + " from L"
                + d.level()
                + ", but "
                + (at == null ? "no level holds it" : "it is in L" + at));
      }
      levels.get(at).remove(d.fileNumber());
      levelOf.remove(d.fileNumber());
    }
    for (TableMeta t : edit.addedFiles()) {
      Integer at = levelOf.get(t.fileNumber());
      if (at != null) {
        throw new IllegalArgumentException(
            "edit adds file "
                + t.fileNumber()
                + " to L"
                + t.level()
                + ", but L"
                + at
                + " holds it");
      }
      while (levels.size() <= t.level()) {
        levels.add(new LinkedHashMap<>());
      }
      levels.get(t.level()).put(t.fileNumber(), t);
      levelOf.put(t.fileNumber(), t.level());
    }
    return this;
  }

  /**
   * Builds the version: sorts each level and checks that no deeper level overlaps.
   *
   * @throws IllegalArgumentException naming the two overlapping files
   */
  Version build() {
    List<List<TableMeta>> out = new ArrayList<>(levels.size());
    for (int level = 0; level < levels.size(); level++) {
      List<TableMeta> files = new ArrayList<>(levels.get(level).values());
      if (level == 0) {
        files.sort(Version.NEWEST_FIRST);
      } else {
        files.sort(Version.BY_SMALLEST_KEY);
        for (int i = 1; i < files.size(); i++) {
          TableMeta prev = files.get(i - 1);
          TableMeta next = files.get(i);
          if (KeyOrder.compareKeys(prev.largestKey(), next.smallestKey()) >= 0) {
            throw new IllegalArgumentException(
                "edit would make L"
                    + level
                    + " overlap: file "
                    + prev.fileNumber()
                    + " ["
                    + Bytes.toDisplay(prev.smallestKey())
                    + " .. "
                    + Bytes.toDisplay(prev.largestKey())
                    + "] and file "
                    + next.fileNumber()
                    + " ["
                    + Bytes.toDisplay(next.smallestKey())
                    + " .. "
                    + Bytes.toDisplay(next.largestKey())
                    + "]");
          }
        }
      }
      out.add(files);
    }
    return new Version(out);
  }
}
