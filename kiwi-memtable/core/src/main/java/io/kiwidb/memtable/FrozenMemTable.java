package io.kiwidb.memtable;

import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTable;
import java.util.Objects;

/**
 * A memtable that was frozen by a {@link MemTableSet} and waits in its queue for the flush
 * pipeline: its contents never change again. It exposes reads only, so nothing can add to it by
 * mistake.
 *
 * <p>Thread safety: immutable state over a memtable that no longer receives writes; safe from any
 * thread.
 */
public final class FrozenMemTable {
  private final MemTable memTable;
  private final String tableId;
  private final String snapshotId;
  private final long createdAtMillis;
  private final long frozenAtMillis;
  private final long minSeq;
  private final long maxSeq;

  FrozenMemTable(
      MemTable memTable,
      String tableId,
      String snapshotId,
      long createdAtMillis,
      long frozenAtMillis,
      long minSeq,
      long maxSeq) {
    this.memTable = Objects.requireNonNull(memTable, "memTable");
    this.tableId = Objects.requireNonNull(tableId, "tableId");
    this.snapshotId = Objects.requireNonNull(snapshotId, "snapshotId");
    this.createdAtMillis = createdAtMillis;
    this.frozenAtMillis = frozenAtMillis;
    this.minSeq = minSeq;
    this.maxSeq = maxSeq;
  }

  /** The id it had while active (UUID hex). */
  public String tableId() {
    return tableId;
  }

  /** The id given when it was frozen (UUID hex); {@code show_mem} detail accepts it. */
  public String snapshotId() {
    return snapshotId;
  }

  /** The newest version of {@code key} with a sequence {@code <= readSeq}, tombstones included. */
  public InternalEntry get(byte[] key, long readSeq) {
    return memTable.get(key, readSeq);
  }

  /** A new iterator over every entry, in internal order; what the flush pipeline writes out. */
  public InternalIterator iterator() {
    return memTable.iterator();
  }

  /** The number of entries (versions). */
  public long entryCount() {
    return memTable.entryCount();
  }

  /** The estimated retained memory in bytes. */
  public long sizeBytes() {
    return memTable.sizeBytes();
  }

  /** The smallest sequence number in it. */
  public long minSeq() {
    return minSeq;
  }

  /** The largest sequence number in it; the WAL up to here is obsolete once it is flushed. */
  public long maxSeq() {
    return maxSeq;
  }

  /** When it became active, in milliseconds since the epoch. */
  public long createdAtMillis() {
    return createdAtMillis;
  }

  /** When it was frozen, in milliseconds since the epoch. */
  public long frozenAtMillis() {
    return frozenAtMillis;
  }

  /** Its metadata as listed by {@code show_mem}. */
  public MemTableSummary summary() {
    return new MemTableSummary(
        tableId, snapshotId, entryCount(), sizeBytes(), minSeq, maxSeq, createdAtMillis);
  }

  @Override
  public String toString() {
    return "FrozenMemTable[snapshot="
        + snapshotId
        + ", table="
        + tableId
        + ", entries="
        + entryCount()
        + ", bytes="
        + sizeBytes()
        + ", seq="
        + minSeq
        + ".."
        + maxSeq
        + "]";
  }
}
