package io.kiwidb.api;

import java.util.List;

/**
 * The detail form of {@link StorageEngine#showMem(String)}: one memtable's entries in key order.
 * JSON form: {@code {"type": "active"|"immutable", "table_id", "snapshot_id", "entries": [...]}}.
 *
 * @param type {@code "active"} or {@code "immutable"}
 * @param tableId the memtable's id
 * @param snapshotId its snapshot id, or {@code null} for the active memtable
 * @param entries every version it holds, by key ascending then sequence descending
 */
public record MemTableDetail(
    String type, String tableId, String snapshotId, List<EntryView> entries) {
  /** Makes the list read-only. */
  public MemTableDetail {
    entries = List.copyOf(entries);
  }
}
