package io.kiwidb.kafka.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The writes a store has taken since its last commit, newest value per key, in key order. A delete
 * is kept as {@link #TOMBSTONE} so that it hides the committed value until the commit writes it.
 *
 * <p>Thread safety: none; {@link KiwiKeyValueStore} guards it with its lock.
 */
final class WriteBuffer {
  /** Marks a buffered delete. Compared by identity. */
  static final byte[] TOMBSTONE = new byte[0];

  /** Per-entry overhead counted on top of key and value bytes (map node, references). */
  private static final long ENTRY_OVERHEAD = 64;

  private final TreeMap<Bytes, byte[]> entries = new TreeMap<>();
  private long bytes;

  /** Buffers a put, or a delete when {@code value} is {@link #TOMBSTONE}. */
  void put(Bytes key, byte[] value) {
    byte[] old = entries.put(key, value);
    if (old == null) {
      bytes += ENTRY_OVERHEAD + key.get().length;
    } else {
      bytes -= old.length;
    }
    bytes += value.length;
  }

  /** The buffered value, {@link #TOMBSTONE} for a buffered delete, or null when not buffered. */
  byte[] get(Bytes key) {
    return entries.get(key);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /** An estimate of the memory the buffer holds. */
  long bytes() {
    return bytes;
  }

  /** All entries in key order (a live view: do not change the buffer while using it). */
  NavigableMap<Bytes, byte[]> view() {
    return entries;
  }

  /**
   * A copy of the entries with keys in {@code [from, to]} (either null for unbounded), ascending or
   * descending.
   */
  List<Map.Entry<Bytes, byte[]>> copyRange(Bytes from, Bytes to, boolean forward) {
    NavigableMap<Bytes, byte[]> range;
    if (from == null && to == null) {
      range = entries;
    } else if (from == null) {
      range = entries.headMap(to, true);
    } else if (to == null) {
      range = entries.tailMap(from, true);
    } else {
      range = entries.subMap(from, true, to, true);
    }
    // Fresh entries: TreeMap hands out its own nodes, whose values a later put would change.
    List<Map.Entry<Bytes, byte[]>> out = new ArrayList<>(range.size());
    for (Map.Entry<Bytes, byte[]> e : (forward ? range : range.descendingMap()).entrySet()) {
      out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** A copy of the entries whose key starts with {@code prefix}, ascending. */
  List<Map.Entry<Bytes, byte[]>> copyPrefix(byte[] prefix) {
    List<Map.Entry<Bytes, byte[]>> out = new ArrayList<>();
    for (Map.Entry<Bytes, byte[]> e : entries.tailMap(Bytes.wrap(prefix), true).entrySet()) {
      byte[] key = e.getKey().get();
      if (!startsWith(key, prefix)) {
        break;
      }
      out.add(Map.entry(e.getKey(), e.getValue()));
    }
    return out;
  }

  void clear() {
    entries.clear();
    bytes = 0;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
