package io.kiwidb.api;

/**
 * Metadata of one memtable, as listed by {@link StorageEngine#showMem()}.
 *
 * @param tableId the memtable's id (UUID hex), fixed for its life
 * @param snapshotId the id given when it was frozen, or {@code null} for the active memtable
 * @param entryCount how many versions it holds
 * @param sizeBytes its estimated memory footprint in bytes
 * @param minSeq the smallest sequence number in it, or 0 when empty
 * @param maxSeq the largest sequence number in it, or 0 when empty
 * @param createdAtMillis when it became active, in milliseconds since the epoch
 */
public record MemTableSummary(
    String tableId,
    String snapshotId,
    long entryCount,
    long sizeBytes,
    long minSeq,
    long maxSeq,
    long createdAtMillis) {}
