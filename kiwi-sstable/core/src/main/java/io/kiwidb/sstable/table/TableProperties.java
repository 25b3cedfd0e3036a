package io.kiwidb.sstable.table;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.TableMeta;

/**
 * What a table records about itself in its properties block.
 *
 * @param smallestKey the smallest user key
 * @param largestKey the largest user key
 * @param minSeq the smallest sequence number
 * @param maxSeq the largest sequence number
 * @param entryCount entries, tombstones included
 * @param tombstoneCount tombstones
 * @param filterPolicy the name of the filter policy that built the filter block, or {@code ""}
 * @param compressor the name of the codec the writer was configured with
 * @param dataBlockCount number of data blocks
 * @param rawKeyBytes total user key bytes before prefix compression
 * @param rawValueBytes total value bytes before compression
 * @param createdMillis when the table was finished, in epoch milliseconds
 */
public record TableProperties(
    byte[] smallestKey,
    byte[] largestKey,
    long minSeq,
    long maxSeq,
    long entryCount,
    long tombstoneCount,
    String filterPolicy,
    String compressor,
    long dataBlockCount,
    long rawKeyBytes,
    long rawValueBytes,
    long createdMillis) {

  /** The metadata the level structure keeps for this table. */
  public TableMeta toMeta(long fileNumber, int level, long sizeBytes) {
    return new TableMeta(
        fileNumber,
        level,
        smallestKey,
        largestKey,
        sizeBytes,
        entryCount,
        tombstoneCount,
        minSeq,
        maxSeq);
  }

  @Override
  public String toString() {
    return "TableProperties[keys "
        + Bytes.toDisplay(smallestKey)
        + ".."
        + Bytes.toDisplay(largestKey)
        + ", seq "
        + minSeq
        + ".."
        + maxSeq
        + ", entries "
        + entryCount
        + " ("
        + tombstoneCount
        + " tombstones), blocks "
        + dataBlockCount
        + ", filter '"
        + filterPolicy
        + "', compressor '"
        + compressor
        + "']";
  }
}
