package io.kiwidb.sstable.table;

import io.kiwidb.api.spi.Coding;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Encodes one block of prefix-compressed entries with restart points (see {@code
 * docs/format/sstable.md}, "Blocks").
 *
 * <p>Each entry is {@code varint shared, varint unshared, varint valueLength, key[shared..], u64le
 * (seq << 8 | kind), value}. Every {@code restartInterval}-th entry stores its key whole ({@code
 * shared = 0}) and its offset is listed in the restart array at the end, so a reader can
 * binary-search restarts and decode forward from one.
 *
 * <p>Thread safety: none; one builder per table writer.
 */
final class BlockBuilder {
  private final int restartInterval;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
  private int[] restarts = new int[16];
  private int restartCount;
  private int sinceRestart;
  private int entries;
  private byte[] lastKey = new byte[0];
  private final byte[] scratch = new byte[3 * 5 + 8];

  BlockBuilder(int restartInterval) {
    this.restartInterval = restartInterval;
    reset();
  }

  void reset() {
    out.reset();
    restartCount = 0;
    addRestart(0);
    sinceRestart = 0;
    entries = 0;
    lastKey = new byte[0];
  }

  private void addRestart(int offset) {
    if (restartCount == restarts.length) {
      restarts = Arrays.copyOf(restarts, restartCount * 2);
    }
    restarts[restartCount++] = offset;
  }

  /** Appends an entry; keys must come in the table's order (the caller checks). */
  void add(byte[] key, long seqKind, byte[] value, int valueOff, int valueLen) {
    int shared = 0;
    if (sinceRestart < restartInterval) {
      int max = Math.min(lastKey.length, key.length);
      while (shared < max && lastKey[shared] == key[shared]) {
        shared++;
      }
    } else {
      addRestart(out.size());
      sinceRestart = 0;
    }
    int unshared = key.length - shared;
    int p = Coding.putVarLong(scratch, 0, shared);
    p = Coding.putVarLong(scratch, p, unshared);
    p = Coding.putVarLong(scratch, p, valueLen);
    out.write(scratch, 0, p);
    out.write(key, shared, unshared);
    Coding.putLong(scratch, 0, seqKind);
    out.write(scratch, 0, 8);
    out.write(value, valueOff, valueLen);
    lastKey = key;
    sinceRestart++;
    entries++;
  }

  boolean isEmpty() {
    return entries == 0;
  }

  int entryCount() {
    return entries;
  }

  /** The size {@link #finish()} would return now. */
  int estimatedSize() {
    return out.size() + 4 * restartCount + 4;
  }

  /** The encoded block: entries, restart offsets (u32le each), restart count (u32le). */
  byte[] finish() {
    byte[] four = new byte[4];
    for (int i = 0; i < restartCount; i++) {
      Coding.putInt(four, 0, restarts[i]);
      out.write(four, 0, 4);
    }
    Coding.putInt(four, 0, restartCount);
    out.write(four, 0, 4);
    return out.toByteArray();
  }
}
