package io.kiwidb.sstable.manifest;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of the level structure: the table files of L0..Ln at one point in the
 * manifest's history. Readers pin one with {@link VersionSet#acquire()} so the files they read are
 * not deleted under them.
 *
 * <p>Invariants (checked by {@link VersionBuilder} whenever a version is built, so every version
 * that exists satisfies them):
 *
 * <ul>
 *   <li>A file number appears at most once in a version, in the level its {@link TableMeta#level()}
 *       names.
 *   <li>L0 is ordered newest first: by max sequence descending, then file number descending. Its
 *       files may overlap each other, so a lookup must consult every L0 file whose range holds the
 *       key, in this order.
 *   <li>L1 and deeper are sorted by smallest key and do not overlap: each file's largest key sorts
 *       strictly before the next file's smallest key. One user key therefore lives in at most one
 *       file per deeper level, which makes {@link #fileContaining} a binary search.
 *   <li>{@link #levelCount()} is at least the configured level count, and more only if a manifest
 *       holds files deeper than that.
 * </ul>
 *
 * <p>Thread safety: immutable apart from the reference count, which {@link VersionSet} guards;
 * every query is safe from any thread.
 */
public final class Version {
  /** The deepest level the manifest format accepts, plus one. */
  public static final int MAX_LEVELS = 64;

  /** L0 lookup order: newest first. */
  static final Comparator<TableMeta> NEWEST_FIRST =
      Comparator.comparingLong(TableMeta::maxSeq)
          .thenComparingLong(TableMeta::fileNumber)
          .reversed();

  /** Deeper levels: by smallest key. */
  static final Comparator<TableMeta> BY_SMALLEST_KEY =
      (a, b) -> KeyOrder.compareKeys(a.smallestKey(), b.smallestKey());

  private final List<List<TableMeta>> levels;
  private final Map<Long, TableMeta> byNumber;

  /** Live references, guarded by the owning {@link VersionSet}'s lock; 0 once released. */
  int refs;

  /** Takes ownership of {@code levels}, which must satisfy the class invariants. */
  Version(List<List<TableMeta>> levels) {
    List<List<TableMeta>> copy = new ArrayList<>(levels.size());
    Map<Long, TableMeta> index = new HashMap<>();
    for (List<TableMeta> level : levels) {
      copy.add(List.copyOf(level));
      for (TableMeta t : level) {
        index.put(t.fileNumber(), t);
      }
    }
    this.levels = List.copyOf(copy);
    this.byNumber = Collections.unmodifiableMap(index);
  }

  /** An empty version with {@code levelCount} levels (L0 included). */
  public static Version empty(int levelCount) {
    if (levelCount < 2 || levelCount > MAX_LEVELS) {
      throw new IllegalArgumentException(
          "level count " + levelCount + " is outside [2, " + MAX_LEVELS + "]");
    }
    List<List<TableMeta>> levels = new ArrayList<>();
    for (int i = 0; i < levelCount; i++) {
      levels.add(List.of());
    }
    return new Version(levels);
  }

  /** The number of levels, L0 included. */
  public int levelCount() {
    return levels.size();
  }

  /** The files of {@code level}: L0 newest first, deeper levels by smallest key. */
  public List<TableMeta> level(int level) {
    return levels.get(level);
  }

  /** The number of L0 files. */
  public int l0Count() {
    return levels.get(0).size();
  }

  /** The total size of a level's files. */
  public long levelBytes(int level) {
    long sum = 0;
    for (TableMeta t : levels.get(level)) {
      sum += t.sizeBytes();
    }
    return sum;
  }

  /** The number of files in all levels. */
  public int fileCount() {
    return byNumber.size();
  }

  /** The total size of all files. */
  public long totalBytes() {
    long sum = 0;
    for (int i = 0; i < levels.size(); i++) {
      sum += levelBytes(i);
    }
    return sum;
  }

  /** The file with this number, if this version holds it. */
  public Optional<TableMeta> file(long fileNumber) {
    return Optional.ofNullable(byNumber.get(fileNumber));
  }

  /** Whether this version holds file {@code fileNumber}. */
  public boolean contains(long fileNumber) {
    return byNumber.containsKey(fileNumber);
  }

  /** The file numbers of every file, in no particular order. */
  public Set<Long> fileNumbers() {
    return byNumber.keySet();
  }

  /**
   * The files of {@code level} whose key range intersects {@code [smallest, largest]} (both
   * inclusive; {@code null} means unbounded on that side), in the level's order.
   */
  public List<TableMeta> overlapping(int level, byte[] smallest, byte[] largest) {
    List<TableMeta> files = levels.get(level);
    List<TableMeta> out = new ArrayList<>();
    if (level == 0) {
      for (TableMeta t : files) {
        if (intersects(t, smallest, largest)) {
          out.add(t);
        }
      }
      return out;
    }
    // Sorted and disjoint: skip to the first file that ends at or after `smallest`, then take
    // files until one starts after `largest`.
    int i = smallest == null ? 0 : firstEndingAtOrAfter(files, smallest);
    for (; i < files.size(); i++) {
      TableMeta t = files.get(i);
      if (largest != null && KeyOrder.compareKeys(t.smallestKey(), largest) > 0) {
        break;
      }
      out.add(t);
    }
    return out;
  }

  /**
   * The only file of a deeper level ({@code level >= 1}) whose range may hold {@code key}, found by
   * binary search; empty if the key falls between files or past the last one.
   */
  public Optional<TableMeta> fileContaining(int level, byte[] key) {
    if (level < 1) {
      throw new IllegalArgumentException(
          "level " + level + ": L0 files overlap, use overlapping(0, key, key)");
    }
    List<TableMeta> files = levels.get(level);
    int i = firstEndingAtOrAfter(files, key);
    if (i < files.size() && KeyOrder.compareKeys(files.get(i).smallestKey(), key) <= 0) {
      return Optional.of(files.get(i));
    }
    return Optional.empty();
  }

  /**
   * The files a point lookup of {@code key} must consult, in the order to consult them: the L0
   * files whose range holds it, newest first, then at most one file per deeper level, shallowest
   * first. The first file that has the key (as a value or a tombstone) answers the lookup.
   */
  public List<TableMeta> filesForKey(byte[] key) {
    List<TableMeta> out = overlapping(0, key, key);
    for (int level = 1; level < levels.size(); level++) {
      fileContaining(level, key).ifPresent(out::add);
    }
    return out;
  }

  /** This version as a view for compaction pickers; {@code busyFiles} are being compacted. */
  public LevelView levelView(Set<Long> busyFiles) {
    return new LevelView(levels, busyFiles);
  }

  /** All levels, for building the next version. */
  List<List<TableMeta>> levels() {
    return levels;
  }

  /** Index of the first file whose largest key is {@code >= key}; files.size() if none. */
  private static int firstEndingAtOrAfter(List<TableMeta> files, byte[] key) {
    int lo = 0;
    int hi = files.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files.get(mid).largestKey(), key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static boolean intersects(TableMeta t, byte[] smallest, byte[] largest) {
    return (smallest == null || KeyOrder.compareKeys(t.largestKey(), smallest) >= 0)
        && (largest == null || KeyOrder.compareKeys(t.smallestKey(), largest) <= 0);
  }

  /**
   * A readable listing, one line per file, as used by the golden tests:
   *
   * <pre>
   * L0:
   *   000009 [b .. k] seq 31..40 entries 10 (2 del) 512 B
   * L1:
   *   000004 [a .. f] seq 1..20 entries 20 (0 del) 900 B
   * </pre>
   *
   * Empty levels are left out; an empty version prints {@code (empty)}.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int level = 0; level < levels.size(); level++) {
      if (levels.get(level).isEmpty()) {
        continue;
      }
      s.append('L').append(level).append(":\n");
      for (TableMeta t : levels.get(level)) {
        s.append("  ").append(describe(t)).append('\n');
      }
    }
    return s.length() == 0 ? "(empty)\n" : s.toString();
  }

  /** One file on one line. */
  static String describe(TableMeta t) {
    return FileNames.tableFileName(t.fileNumber()).replace(FileNames.TABLE_SUFFIX, "")
        + " ["
        + Bytes.toDisplay(t.smallestKey())
        + " .. "
        + Bytes.toDisplay(t.largestKey())
        + "] seq "
        + t.minSeq()
        + ".."
        + t.maxSeq()
        + " entries "
        + t.entryCount()
        + " ("
        + t.tombstoneCount()
        + " del) "
        + t.sizeBytes()
        + " B";
  }
}
