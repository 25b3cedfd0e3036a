package io.kiwidb.api;

import java.util.List;

/**
 * The detail form of {@link StorageEngine#showDisk(String)}: one table's metadata and entries. JSON
 * form: {@code {"file_id", "level", ..., "entries": [...]}}.
 *
 * @param summary the table's metadata
 * @param entries every version it holds, in key order
 */
public record TableDetail(TableSummary summary, List<EntryView> entries) {
  /** Makes the list read-only. */
  public TableDetail {
    entries = List.copyOf(entries);
  }
}
