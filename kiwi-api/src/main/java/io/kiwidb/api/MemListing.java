package io.kiwidb.api;

import java.util.List;

/**
 * The listing form of {@link StorageEngine#showMem()}: the active memtable and the immutable ones
 * awaiting flush, oldest first. JSON form: {@code {"active": {...}, "immutable": [{...}, ...]}}.
 *
 * @param active the active memtable
 * @param immutable the frozen memtables awaiting flush, oldest first
 */
public record MemListing(MemTableSummary active, List<MemTableSummary> immutable) {
  /** Makes the list read-only. */
  public MemListing {
    immutable = List.copyOf(immutable);
  }
}
