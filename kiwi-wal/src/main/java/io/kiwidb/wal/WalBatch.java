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
 * <p>The batch is validated and its encoded size computed on the writer's own thread; the
 * group-commit leader serialises it straight into the group's direct buffer (see {@link
 * RecordFramer}), so a value is copied once in user space, not twice. A batch may be appended more
 * than once. Layout (see {@code docs/format/wal.md}): {@code first_seq u64 | count u32 |
 * timestamp_ms u64 | ops}, each op {@code kind u8 | key_len varint | key | [value_len varint |
 * value]} (no value for a delete).
 *
 * <p>Thread safety: immutable. Key and value arrays are shared, not copied: callers must not change
 * them after building the batch.
 */
public final class WalBatch {
  static final int FIXED_HEADER = 8 + 4 + 8;

  private final long timestampMs;
  private final List<WriteBatch.Operation> operations;
  private final int encodedSize;
  private final long skipped; // > 0 for a skip record, which has no operations

  private WalBatch(long timestampMs, List<WriteBatch.Operation> operations, int encodedSize) {
    this(timestampMs, operations, encodedSize, 0);
  }

  private WalBatch(
      long timestampMs, List<WriteBatch.Operation> operations, int encodedSize, long skipped) {
    this.timestampMs = timestampMs;
    this.operations = operations;
    this.encodedSize = encodedSize;
    this.skipped = skipped;
  }

  /**
   * A skip record (format version 2): {@code count} sequence numbers that were assigned to writes
   * the log did not record ({@code WriteOptions.disableWal}). It keeps the log's sequence numbers
   * contiguous, so replay can still tell a lost record from a deliberate gap. The log writes it
   * itself when an append leaves a gap.
   */
  static WalBatch skip(long count) {
    if (count < 1) {
      throw new IllegalArgumentException("a skip record covers at least 1 sequence number");
    }
    return new WalBatch(0, List.of(), FIXED_HEADER, count);
  }

  /** Whether this is a skip record: no operations, {@link #skipped} sequence numbers. */
  public boolean isSkip() {
    return skipped > 0;
  }

  /** How many sequence numbers a skip record covers; 0 for a batch of operations. */
  public long skipped() {
    return skipped;
  }

  /** How many sequence numbers the record consumes: its operations, or what it skips. */
  long sequenceCount() {
    return isSkip() ? skipped : operations.size();
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
    return new WalBatch(timestampMs, ops, (int) size);
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
   * @param skipRecords whether the segment's format version has skip records
   * @return the first sequence number in {@code firstSeqOut[0]} and the batch
   * @throws IllegalArgumentException describing what is malformed
   */
  static WalBatch decode(byte[] b, int len, long[] firstSeqOut, boolean skipRecords) {
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
    if (count == 0 && skipRecords) {
      long skipped = ts;
      if (len != FIXED_HEADER) {
        throw new IllegalArgumentException(
            "skip record of " + len + " bytes, expected exactly " + FIXED_HEADER);
      }
      if (skipped < 1 || firstSeq + skipped - 1 < firstSeq) {
        throw new IllegalArgumentException(
            "skip record of " + Long.toUnsignedString(skipped) + " sequence numbers is impossible");
      }
      firstSeqOut[0] = firstSeq;
      return skip(skipped);
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
    return new WalBatch(ts, Collections.unmodifiableList(ops), len);
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
    return encodedSize;
  }

  /**
   * Writes the record payload with {@code firstSeq} to {@code out}: straight from the key and value
   * arrays into the group buffer, with no intermediate copy.
   */
  void encodeTo(long firstSeq, RecordFramer out) {
    byte[] scratch = out.scratch();
    Coding.putLong(scratch, 0, firstSeq);
    Coding.putInt(scratch, 8, operations.size());
    Coding.putLong(scratch, 12, isSkip() ? skipped : timestampMs);
    out.put(scratch, 0, FIXED_HEADER);
    for (WriteBatch.Operation op : operations) {
      scratch[0] = (byte) (op.isDelete() ? EntryKind.DELETE.code() : EntryKind.PUT.code());
      int p = Coding.putVarLong(scratch, 1, op.key().length);
      out.put(scratch, 0, p);
      out.put(op.key(), 0, op.key().length);
      if (!op.isDelete()) {
        p = Coding.putVarLong(scratch, 0, op.value().length);
        out.put(scratch, 0, p);
        out.put(op.value(), 0, op.value().length);
      }
    }
  }

  @Override
  public String toString() {
    if (isSkip()) {
      return "WalBatch[skip " + skipped + " sequence numbers]";
    }
    return "WalBatch[" + count() + " ops, " + encodedSize + " bytes, ts=" + timestampMs + "]";
  }
}
