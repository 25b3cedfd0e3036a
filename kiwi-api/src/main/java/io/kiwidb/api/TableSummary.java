package io.kiwidb.api;

/**
 * Metadata of one table file, as listed by {@link StorageEngine#showDisk()}.
 *
 * @param fileId the file's id (its file number, as used in its name)
 * @param level the level it belongs to (0 for L0)
 * @param recordCount how many versions it holds, tombstones included
 * @param tombstoneCount how many of them are tombstones
 * @param sizeBytes the file size
 * @param smallestKey its smallest user key
 * @param largestKey its largest user key
 * @param minSeq its smallest sequence number
 * @param maxSeq its largest sequence number
 * @param filterPolicy the name of the filter it was written with ({@code "none"} for none)
 * @param compression the name of the compressor it was written with
 */
public record TableSummary(
    String fileId,
    int level,
    long recordCount,
    long tombstoneCount,
    long sizeBytes,
    byte[] smallestKey,
    byte[] largestKey,
    long minSeq,
    long maxSeq,
    String filterPolicy,
    String compression) {}
