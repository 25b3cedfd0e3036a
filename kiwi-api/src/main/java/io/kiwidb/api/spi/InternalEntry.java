package io.kiwidb.api.spi;

import io.kiwidb.api.EntryKind;
import java.util.Arrays;

/**
 * One version of a key as stored inside the engine: user key, sequence number, kind, and value
 * ({@code null} for a {@link EntryKind#DELETE}). Arrays are not copied; holders must not modify
 * them. Equality compares array contents.
 *
 * @param key the user key
 * @param seq the sequence number
 * @param kind PUT or DELETE
 * @param value the value, or {@code null} for a tombstone
 */
public record InternalEntry(byte[] key, long seq, EntryKind kind, byte[] value) {
  /** Checks that a PUT has a value and a DELETE has none. */
  public InternalEntry {
    if (key == null || kind == null) {
      throw new NullPointerException("key and kind must not be null");
    }
    if ((kind == EntryKind.PUT) != (value != null)) {
      throw new IllegalArgumentException(
          kind + " entry must " + (kind == EntryKind.PUT ? "have" : "not have") + " a value");
    }
  }

  /** A PUT entry. */
  public static InternalEntry put(byte[] key, long seq, byte[] value) {
    return new InternalEntry(key, seq, EntryKind.PUT, value);
  }

  /** A DELETE entry (tombstone). */
  public static InternalEntry delete(byte[] key, long seq) {
    return new InternalEntry(key, seq, EntryKind.DELETE, null);
  }

  /** Whether this entry is a tombstone. */
  public boolean isTombstone() {
    return kind == EntryKind.DELETE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InternalEntry e
        && seq == e.seq
        && kind == e.kind
        && Arrays.equals(key, e.key)
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(key) * 31 + Long.hashCode(seq)) * 31 + kind.hashCode();
  }

  @Override
  public String toString() {
    return "InternalEntry["
        + Bytes.toDisplay(key)
        + " @"
        + seq
        + " "
        + kind
        + (value == null ? "" : " = " + Bytes.toDisplay(value))
        + "]";
  }
}
