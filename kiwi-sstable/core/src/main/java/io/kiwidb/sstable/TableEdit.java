package io.kiwidb.sstable;

import io.kiwidb.api.spi.TableMeta;
import java.util.List;

/**
 * A change to the level structure that {@link TableStore#install} makes atomically (one manifest
 * record): tables added, tables removed, and how far the tables now hold sequence numbers.
 *
 * @param added new tables (written with {@link TableStore#newTable}), each at its level
 * @param removed tables no longer live (compaction inputs); their files are deleted once no reader
 *     holds them
 * @param lastSequence every write up to this sequence number is now in tables (a flush sets it);
 *     {@code -1} leaves it unchanged (a compaction moves data, it adds none)
 */
public record TableEdit(List<TableMeta> added, List<TableMeta> removed, long lastSequence) {
  /** Copies the lists. */
  public TableEdit {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    if (lastSequence < -1) {
      throw new IllegalArgumentException("lastSequence must be -1 or more, got " + lastSequence);
    }
  }

  /** A flush: one new L0 table, holding every write through {@code lastSequence}. */
  public static TableEdit flush(TableMeta table, long lastSequence) {
    return new TableEdit(List.of(table), List.of(), lastSequence);
  }

  /** A compaction: {@code outputs} replace {@code inputs}. */
  public static TableEdit compaction(List<TableMeta> inputs, List<TableMeta> outputs) {
    return new TableEdit(outputs, inputs, -1);
  }
}
