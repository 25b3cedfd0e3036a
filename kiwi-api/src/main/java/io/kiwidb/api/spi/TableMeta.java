package io.kiwidb.api.spi;

import java.util.Comparator;

/**
 * What compaction pickers and the level structure know about one table file.
 *
 * @param fileNumber the file's unique number (its name is derived from it)
 * @param level its level, 0 for L0
 * @param smallestKey its smallest user key
 * @param largestKey its largest user key
 * @param sizeBytes its file size
 * @param entryCount its number of entries, tombstones included
 * @param tombstoneCount its number of tombstones
 * @param minSeq its smallest sequence number
 * @param maxSeq its largest sequence number
 */
public record TableMeta(
    long fileNumber,
    int level,
    byte[] smallestKey,
    byte[] largestKey,
    long sizeBytes,
    long entryCount,
    long tombstoneCount,
    long minSeq,
    long maxSeq) {
  /** L0's age order, oldest first: by largest sequence number, then file number. */
  public static final Comparator<TableMeta> OLDEST_FIRST =
      Comparator.comparingLong(TableMeta::maxSeq).thenComparingLong(TableMeta::fileNumber);

  /** The order of a level below L0: by smallest key. */
  public static final Comparator<TableMeta> BY_SMALLEST_KEY =
      (a, b) -> KeyOrder.compareKeys(a.smallestKey(), b.smallestKey());

  /** Whether this file's key range intersects {@code [smallest, largest]} (both inclusive). */
  public boolean overlaps(byte[] smallest, byte[] largest) {
    return KeyOrder.compareKeys(largestKey, smallest) >= 0
        && KeyOrder.compareKeys(smallestKey, largest) <= 0;
  }

  /** This file moved to another level (a trivial move). */
  public TableMeta atLevel(int newLevel) {
    return new TableMeta(
        fileNumber,
        newLevel,
        smallestKey,
        largestKey,
        sizeBytes,
        entryCount,
        tombstoneCount,
        minSeq,
        maxSeq);
  }
}
