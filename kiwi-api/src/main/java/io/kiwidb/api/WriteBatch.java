package io.kiwidb.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered group of puts and deletes that {@link StorageEngine#write(WriteBatch)} applies
 * atomically: one WAL record, one range of sequence numbers, visible to readers all at once, and
 * after a crash either all of it is there or none of it. Later operations on the same key win.
 *
 * <p>Keys and values are copied when added, so the caller may reuse its arrays.
 *
 * <p>Thread safety: a batch is not thread-safe while it is being built. Once handed to {@code
 * write}, it must not be changed until the call returns; it may then be cleared and reused.
 */
public final class WriteBatch {
  /** One operation in a batch. {@code value} is {@code null} for a delete. */
  public record Operation(boolean isDelete, byte[] key, byte[] value) {}

  private final List<Operation> operations = new ArrayList<>();
  private long encodedBytes;

  /** Creates an empty batch. */
  public WriteBatch() {}

  /**
   * Adds a put.
   *
   * @throws IllegalArgumentException if the key or value breaks {@link Limits}, or the batch would
   *     exceed {@link Limits#MAX_BATCH_BYTES}
   */
  public WriteBatch put(byte[] key, byte[] value) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    add(new Operation(false, key.clone(), value.clone()));
    return this;
  }

  /**
   * Adds a delete (a tombstone for {@code key}).
   *
   * @throws IllegalArgumentException if the key breaks {@link Limits}
   */
  public WriteBatch delete(byte[] key) {
    Limits.checkKey(key);
    add(new Operation(true, key.clone(), null));
    return this;
  }

  private void add(Operation op) {
    // Approximate encoded size: kind + two varint lengths + the bytes.
    long size = 11L + op.key().length + (op.value() == null ? 0 : op.value().length);
    if (encodedBytes + size > Limits.MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "write batch would exceed " + Limits.MAX_BATCH_BYTES + " encoded bytes");
    }
    encodedBytes += size;
    operations.add(op);
  }

  /** The operations in the order they were added. The list is read-only. */
  public List<Operation> operations() {
    return Collections.unmodifiableList(operations);
  }

  /** The number of operations. */
  public int size() {
    return operations.size();
  }

  /** Whether the batch holds no operation. */
  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /** An estimate of the batch's encoded size in bytes. */
  public long approximateBytes() {
    return encodedBytes;
  }

  /** Removes every operation so the batch can be reused. */
  public void clear() {
    operations.clear();
    encodedBytes = 0;
  }
}
