package io.kiwidb.wal;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.Limits;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Coding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One write batch as the log stores it: a timestamp and an ordered list of puts and deletes. A
 * batch is one log record, gets one contiguous range of sequence numbers, and replays all or
 * nothing.
 *
 * <p>The record payload is encoded once, in the constructor, on the writer's own thread, so the
 * group-commit leader only copies bytes, writing the first sequence number in front of them (the
 * array is never modified, so one batch may be appended more than once). Layout (see {@code
 * docs/format/wal.md}): {@code first_seq u64 | count u32 | timestamp_ms u64 | ops}, each op {@code
 * kind u8 | key_len varint | key | [value_len varint | value]} (no value for a delete).
 *
 * <p>Thread safety: immutable. Key and value arrays are shared, not copied: callers must not change
 * them after building the batch.
 */
public final class WalBatch {
  static final int FIXED_HEADER = 8 + 4 + 8;

  private final long timestampMs;
  private final List<WriteBatch.Operation> operations;
  private final byte[] payload; // bytes 0..7 (first_seq) are filled in by RecordFramer's output

  private WalBatch(long timestampMs, List<WriteBatch.Operation> operations, byte[] payload) {
    this.timestampMs = timestampMs;
    this.operations = operations;
    this.payload = payload;
  }

  /**
   * A batch with the operations of a {@link WriteBatch}.
   *
   * @throws IllegalArgumentException if the batch is empty
   */
  public static WalBatch of(WriteBatch batch, long timestampMs) {
    return of(batch.operations(), timestampMs);
  }

  /**
   * A batch of the given operations (a {@code null} value marks a delete).
   *
   * @throws IllegalArgumentException if the list is empty or an operation breaks {@link Limits}
   */
  public static WalBatch of(List<WriteBatch.Operation> operations, long timestampMs) {
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("a WAL batch needs at least one operation, got 0");
    }
    List<WriteBatch.Operation> ops = List.copyOf(operations);
    long size = FIXED_HEADER;
    for (WriteBatch.Operation op : ops) {
      Limits.checkKey(op.key());
      size += 1 + Coding.varLongSize(op.key().length) + op.key().length;
      if (op.isDelete() != (op.value() == null)) {
        throw new IllegalArgumentException(
            "operation on key of "
                + op.key().length
                + " bytes: a delete has no value, a put has one");
      }
      if (!op.isDelete()) {
        Limits.checkValue(op.value());
        size += Coding.varLongSize(op.value().length) + op.value().length;
      }
    }
    if (size > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("WAL batch of " + size + " encoded bytes is too large");
    }
    byte[] out = new byte[(int) size];
    Coding.putInt(out, 8, ops.size());
    Coding.putLong(out, 12, timestampMs);
    int p = FIXED_HEADER;
    for (WriteBatch.Operation op : ops) {
      out[p++] = (byte) (op.isDelete() ? EntryKind.DELETE.code() : EntryKind.PUT.code());
      p = Coding.putVarLong(out, p, op.key().length);
      System.arraycopy(op.key(), 0, out, p, op.key().length);
      p += op.key().length;
      if (!op.isDelete()) {
        p = Coding.putVarLong(out, p, op.value().length);
        System.arraycopy(op.value(), 0, out, p, op.value().length);
        p += op.value().length;
      }
    }
    return new WalBatch(timestampMs, ops, out);
  }

  /** A batch holding one put. */
  public static WalBatch put(byte[] key, byte[] value, long timestampMs) {
    return of(List.of(new WriteBatch.Operation(false, key, value)), timestampMs);
  }

  /** A batch holding one delete. */
  public static WalBatch delete(byte[] key, long timestampMs) {
    return of(List.of(new WriteBatch.Operation(true, key, null)), timestampMs);
  }

  /**
   * Decodes a record payload, checking every length against the payload's end.
   *
   * @return the first sequence number in {@code firstSeqOut[0]} and the batch
   * @throws IllegalArgumentException describing what is malformed
   */
  static WalBatch decode(byte[] b, int len, long[] firstSeqOut) {
    if (len < FIXED_HEADER) {
      throw new IllegalArgumentException(
          "record payload of "
              + len
              + " bytes is shorter than its "
              + FIXED_HEADER
              + "-byte header");
    }
    long firstSeq = Coding.getLong(b, 0);
    int count = Coding.getInt(b, 8);
    long ts = Coding.getLong(b, 12);
    if (firstSeq < 1) {
      throw new IllegalArgumentException("first sequence number " + firstSeq + " is not positive");
    }
    if (count < 1 || count > len) {
      throw new IllegalArgumentException("operation count " + count + " is impossible");
    }
    List<WriteBatch.Operation> ops = new ArrayList<>(count);
    int[] pos = {FIXED_HEADER};
    for (int i = 0; i < count; i++) {
      if (pos[0] >= len) {
        throw new IllegalArgumentException(
            "payload ends after " + i + " of " + count + " operations");
      }
      int kind = b[pos[0]++];
      boolean isDelete;
      if (kind == EntryKind.DELETE.code()) {
        isDelete = true;
      } else if (kind == EntryKind.PUT.code()) {
        isDelete = false;
      } else {
        throw new IllegalArgumentException("unknown operation kind " + kind + " in operation " + i);
      }
      byte[] key = bytes(b, pos, len, Limits.MAX_KEY_BYTES);
      byte[] value = isDelete ? null : bytes(b, pos, len, Limits.MAX_VALUE_BYTES);
      ops.add(new WriteBatch.Operation(isDelete, key, value));
    }
    if (pos[0] != len) {
      throw new IllegalArgumentException(
          (len - pos[0]) + " unexpected bytes after " + count + " operations");
    }
    firstSeqOut[0] = firstSeq;
    byte[] payload = new byte[len];
    System.arraycopy(b, 0, payload, 0, len);
    return new WalBatch(ts, Collections.unmodifiableList(ops), payload);
  }

  private static byte[] bytes(byte[] b, int[] pos, int limit, int max) {
    int n = Coding.getVarInt(b, pos, limit, max);
    if (n > limit - pos[0]) {
      throw new IllegalArgumentException(
          "length " + n + " at offset " + pos[0] + " runs past the payload end " + limit);
    }
    byte[] out = new byte[n];
    System.arraycopy(b, pos[0], out, 0, n);
    pos[0] += n;
    return out;
  }

  /** The caller's timestamp (milliseconds since the epoch), stored with the batch. */
  public long timestampMs() {
    return timestampMs;
  }

  /** The operations in order; read-only. A delete has a {@code null} value. */
  public List<WriteBatch.Operation> operations() {
    return operations;
  }

  /** How many operations, i.e. how many sequence numbers the batch consumes. */
  public int count() {
    return operations.size();
  }

  /** The encoded record payload size in bytes. */
  public int encodedSize() {
    return payload.length;
  }

  /**
   * The encoded payload; its first 8 bytes are a placeholder for the sequence number, which {@link
   * RecordFramer} writes in its own buffer. Callers must not modify it.
   */
  byte[] payload() {
    return payload;
  }

  @Override
  public String toString() {
    return "WalBatch[" + count() + " ops, " + payload.length + " bytes, ts=" + timestampMs + "]";
  }
}
