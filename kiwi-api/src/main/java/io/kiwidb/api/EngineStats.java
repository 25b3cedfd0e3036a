package io.kiwidb.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param implementations the implementation running for each pluggable component, by config key
 *     ({@code memtable_impl}, {@code filter_policy}, {@code compaction_strategy}, {@code
 *     compression}), in that order
 * @param estimatedKeyCount an estimate of the live keys in the whole store, memtables and tables:
 *     the memtables' entries plus the tables' entries that are not tombstones. Every live key has
 *     at least one such entry, so it never undercounts; it overcounts keys with versions in several
 *     layers (overwrites, or deletes of older values) until compaction merges them
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
    EngineCounters counters,
    Map<String, String> implementations,
    long estimatedKeyCount) {
  /** Makes the collections read-only (the map keeps its iteration order). */
  public EngineStats {
    immutableSnapshots = List.copyOf(immutableSnapshots);
    implementations = Collections.unmodifiableMap(new LinkedHashMap<>(implementations));
  }
}
