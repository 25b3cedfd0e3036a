package io.kiwidb.sstable;

import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.TableMeta;
import java.io.IOException;

/**
 * Writes one new table file, from {@link TableStore#newTable}: entries in internal key order, then
 * {@link #finish} (the file is then complete and synced, but not live until an edit with it is
 * {@linkplain TableStore#install installed}), or {@link #abandon} (the file is deleted).
 *
 * <p>Thread safety: one thread at a time.
 */
public interface TableWriter extends AutoCloseable {
  /**
   * Appends an entry; entries must come in strictly increasing internal key order.
   *
   * @throws IllegalArgumentException if the entry is out of order
   */
  void add(InternalEntry entry) throws IOException;

  /** Entries added so far. */
  long entryCount();

  /** The file's size if it were finished now: where an output splitter cuts. */
  long estimatedFileSize();

  /**
   * Completes and syncs the file (and its directory entry).
   *
   * @return the table's metadata, at the level it was created for
   */
  TableMeta finish() throws IOException;

  /** Drops the unfinished file. Idempotent; does nothing after {@link #finish}. */
  void abandon();

  /** Abandons the file unless it was finished. */
  @Override
  void close();
}
