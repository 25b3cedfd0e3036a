package io.kiwidb.api;

import java.util.List;

/**
 * A snapshot of engine statistics: the reference engine's nine fields, then kiwi-db's counters.
 *
 * @param keyCount entries in the active memtable
 * @param seq the highest sequence number generated so far
 * @param walEntryCount entries in the live write-ahead log segments (counted, not re-read)
 * @param dataRoot the data directory
 * @param activeTableId the id of the active memtable
 * @param activeSizeBytes the estimated size of the active memtable
 * @param immutableQueueLen memtables frozen and awaiting flush
 * @param immutableSnapshots their snapshot ids, oldest first
 * @param l0SstableCount table files in L0
 * @param counters cumulative counters since open
 */
public record EngineStats(
    long keyCount,
    long seq,
    long walEntryCount,
    String dataRoot,
    String activeTableId,
    long activeSizeBytes,
    int immutableQueueLen,
    List<String> immutableSnapshots,
    int l0SstableCount,
    EngineCounters counters) {
  /** Makes the list read-only. */
  public EngineStats {
    immutableSnapshots = List.copyOf(immutableSnapshots);
  }
}
