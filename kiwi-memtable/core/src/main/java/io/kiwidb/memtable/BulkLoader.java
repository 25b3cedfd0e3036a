package io.kiwidb.memtable;

import io.kiwidb.api.EntryKind;
import java.util.Optional;

/**
 * How recovery fills a {@link MemTableSet} from the write-ahead log: entries in any order, batch by
 * batch, frozen at the batch where the write path would have frozen them. See {@link
 * MemTableSet#bulkLoader()}.
 *
 * <p>Thread safety: one thread, while nothing else writes to the set (recovery runs before the
 * engine serves anything).
 */
public interface BulkLoader {
  /**
   * Buffers one replayed entry. A (key, sequence) pair must not come twice.
   *
   * @param value the value for a PUT, {@code null} for a DELETE; retained, not copied
   * @throws IllegalArgumentException if the kind and value disagree
   */
  void add(byte[] key, long seq, EntryKind kind, byte[] value);

  /**
   * Ends a batch (one log record: batches are atomic and never split between memtables); freezes
   * the active memtable if it is full now.
   *
   * @return the memtable frozen, if one was
   */
  Optional<FrozenMemTable> endBatch();

  /** Loads whatever is buffered into the active memtable, which stays active. */
  void finish();

  /** Entries bulk-loaded so far (not those added one at a time). */
  long loadedEntries();

  /** Bulk loads done so far, one per memtable that received buffered entries. */
  long loads();
}
