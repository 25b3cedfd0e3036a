package io.kiwidb.sstable.table;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.Coding;
import java.util.Arrays;

/**
 * A decoded (checksum-verified, decompressed) block: its entry bytes and restart array. See {@link
 * BlockBuilder} for the encoding.
 *
 * <p>Even after the CRC check every length read from the block is bounded by the block itself, so a
 * block that is malformed in a way the CRC cannot catch (a writer bug, a CRC collision) gives a
 * {@link CorruptionException} naming the file and block offset, never an out-of-bounds access or a
 * huge allocation.
 *
 * <p>Thread safety: immutable after construction; shared through the block cache. Each {@link
 * Cursor} is for one thread.
 */
final class Block {
  private final byte[] data;
  private final int restartsOffset;
  private final int restartCount;
  private final String file;
  private final long fileOffset;

  private Block(byte[] data, int restartsOffset, int restartCount, String file, long fileOffset) {
    this.data = data;
    this.restartsOffset = restartsOffset;
    this.restartCount = restartCount;
    this.file = file;
    this.fileOffset = fileOffset;
  }

  /**
   * Wraps decoded block contents.
   *
   * @throws CorruptionException if the restart array does not fit the block
   */
  static Block of(byte[] data, String file, long fileOffset) {
    if (data.length < 4) {
      throw new CorruptionException(file, fileOffset, "block of " + data.length + " bytes");
    }
    int count = Coding.getInt(data, data.length - 4);
    long restartsOffset = data.length - 4 - 4L * count;
    if (count < 1 || restartsOffset < 0) {
      throw new CorruptionException(
          file,
          fileOffset,
          "restart count " + count + " does not fit a " + data.length + "-byte block");
    }
    Block b = new Block(data, (int) restartsOffset, count, file, fileOffset);
    int previous = -1;
    for (int i = 0; i < count; i++) {
      int r = b.restart(i);
      // The first restart is the first entry, so a scan from restart 0 sees every entry.
      boolean misplaced = i == 0 ? r != 0 : r <= previous || r >= b.restartsOffset;
      if (misplaced) {
        throw b.corrupt("restart " + i + " points to " + r);
      }
      previous = r;
    }
    return b;
  }

  int restart(int i) {
    return Coding.getInt(data, restartsOffset + 4 * i);
  }

  /** The size of the decoded contents, for stats. */
  int size() {
    return data.length;
  }

  CorruptionException corrupt(String detail) {
    return new CorruptionException(file, fileOffset, detail);
  }

  CorruptionException corrupt(String detail, Throwable cause) {
    return new CorruptionException(file, fileOffset, detail, cause);
  }

  Cursor cursor() {
    return new Cursor();
  }

  private static final byte[] EMPTY = new byte[0];
  private static final int[] NO_INTS = new int[0];
  private static final long[] NO_LONGS = new long[0];
  private static final byte[][] NO_KEYS = new byte[0][];

  /**
   * A position in the block. Keys are fresh arrays (callers may keep them); values are copied out
   * on demand.
   */
  final class Cursor {
    private int current = -1; // offset of the current entry, or -1 when invalid
    private int next; // offset just past the current entry
    private byte[] key = EMPTY;
    private long seqKind;
    private int valueOff;
    private int valueLen;
    private final int[] pos = new int[1];
    private byte[] scratch = EMPTY; // seek's key buffer, grown on demand
    // The lengths readHeader read last: shared key prefix, key suffix, value.
    private int headerShared;
    private int headerUnshared;
    private int headerValueLen;

    // prev() must decode forward from the restart point before the current entry. The entries it
    // meets on the way are kept, so the following prev() calls within that restart interval just
    // step back through them: a backward scan decodes each entry once, as a forward scan does,
    // instead of half a restart interval per step. The block is immutable, so the kept entries stay
    // right for as long as the cursor comes back to prevAnchor; any other move simply misses.
    private int prevAnchor = -1; // the entry whose predecessors (in its restart interval) are kept
    private int prevCount; // kept predecessors of prevAnchor, in block order
    // Allocated on the first prev(): most cursors serve a point lookup and never step back.
    private int[] prevOffset = NO_INTS;
    private int[] prevNext = NO_INTS;
    private byte[][] prevKey = NO_KEYS;
    private long[] prevSeqKind = NO_LONGS;
    private int[] prevValueOff = NO_INTS;
    private int[] prevValueLen = NO_INTS;

    boolean isValid() {
      return current >= 0;
    }

    byte[] key() {
      return key;
    }

    long seq() {
      return seqKind >>> 8;
    }

    EntryKind kind() {
      return EntryKind.fromCode((int) (seqKind & 0xff));
    }

    byte[] value() {
      return kind() == EntryKind.DELETE
          ? null
          : Arrays.copyOfRange(data, valueOff, valueOff + valueLen);
    }

    /** The value's bytes as stored, for index handles. */
    byte[] rawValue() {
      return Arrays.copyOfRange(data, valueOff, valueOff + valueLen);
    }

    void seekToFirst() {
      decodeAt(restart(0), EMPTY);
    }

    void seekToLast() {
      decodeAt(restart(restartCount - 1), EMPTY);
      while (isValid() && next < restartsOffset) {
        decodeAt(next, key);
      }
    }

    void next() {
      if (next >= restartsOffset) {
        current = -1;
        return;
      }
      decodeAt(next, key);
    }

    void prev() {
      int target = current;
      if (target == prevAnchor && prevCount > 0) {
        restore(--prevCount);
        prevAnchor = current;
        return;
      }
      int r = restartCount - 1;
      while (r >= 0 && restart(r) >= target) {
        r--;
      }
      if (r < 0) {
        current = -1;
        return;
      }
      prevCount = 0;
      decodeAt(restart(r), EMPTY);
      while (next < target) {
        remember();
        decodeAt(next, key);
      }
      if (next != target) {
        throw corrupt("entries do not chain to offset " + target);
      }
      prevAnchor = current;
    }

    /** Appends the current entry to the predecessors kept for {@link #prev()}. */
    private void remember() {
      if (prevCount == prevOffset.length) {
        int n = Math.max(16, prevCount * 2);
        prevOffset = Arrays.copyOf(prevOffset, n);
        prevNext = Arrays.copyOf(prevNext, n);
        prevKey = Arrays.copyOf(prevKey, n);
        prevSeqKind = Arrays.copyOf(prevSeqKind, n);
        prevValueOff = Arrays.copyOf(prevValueOff, n);
        prevValueLen = Arrays.copyOf(prevValueLen, n);
      }
      prevOffset[prevCount] = current;
      prevNext[prevCount] = next;
      prevKey[prevCount] = key;
      prevSeqKind[prevCount] = seqKind;
      prevValueOff[prevCount] = valueOff;
      prevValueLen[prevCount] = valueLen;
      prevCount++;
    }

    /** Positions the cursor on kept predecessor {@code i}, as decoding it would. */
    private void restore(int i) {
      current = prevOffset[i];
      next = prevNext[i];
      key = prevKey[i];
      seqKind = prevSeqKind[i];
      valueOff = prevValueOff[i];
      valueLen = prevValueLen[i];
    }

    /** Moves to the first entry at or after {@code (target, seq)} in internal order. */
    void seek(byte[] target, long seq) {
      int lo = 0;
      int hi = restartCount - 1;
      // Find the last restart whose key is before the target; decode forward from there.
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        if (compareRestart(restart(mid), target, seq) < 0) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      scanTo(restart(lo), target, seq);
    }

    /**
     * Walks forward from a restart point to the first entry at or after {@code (target, seq)},
     * rebuilding each key in one reusable buffer, and decodes only that entry. Decoding every entry
     * on the way (half a restart interval on average) allocated a key array per step.
     */
    private void scanTo(int offset, byte[] target, long seq) {
      byte[] buf = scratch;
      int len = 0;
      while (offset < restartsOffset) {
        int p = readHeader(offset, len);
        int keyLen = headerShared + headerUnshared;
        if (keyLen > buf.length) {
          buf = Arrays.copyOf(buf, Math.max(keyLen, 2 * buf.length));
          scratch = buf;
        }
        System.arraycopy(data, p, buf, headerShared, headerUnshared);
        len = keyLen;
        int c = Arrays.compareUnsigned(buf, 0, len, target, 0, target.length);
        if (c > 0 || (c == 0 && Coding.getLong(data, p + headerUnshared) >>> 8 <= seq)) {
          // buf still holds the previous key's first `shared` bytes, all decodeAt reads of it.
          decodeAt(offset, buf);
          return;
        }
        offset = p + headerUnshared + TableFormat.SEQ_KIND_SIZE + headerValueLen;
      }
      current = -1;
    }

    /**
     * Reads the three lengths that start the entry at {@code offset} into the header fields and
     * returns where its key suffix starts, checking that the entry fits the block and shares at
     * most {@code maxShared} bytes.
     *
     * @throws CorruptionException if the lengths are malformed or the entry overruns the entries
     */
    private int readHeader(int offset, int maxShared) {
      try {
        pos[0] = offset;
        headerShared = Coding.getVarInt(data, pos, restartsOffset, maxShared);
        headerUnshared = Coding.getVarInt(data, pos, restartsOffset, restartsOffset);
        headerValueLen = Coding.getVarInt(data, pos, restartsOffset, restartsOffset);
      } catch (IllegalArgumentException e) {
        throw new CorruptionException(
            file, fileOffset, "bad entry at block offset " + offset + ": " + e.getMessage(), e);
      }
      int p = pos[0];
      if ((long) p + headerUnshared + TableFormat.SEQ_KIND_SIZE + headerValueLen > restartsOffset) {
        throw corrupt("entry at block offset " + offset + " runs past the entries");
      }
      return p;
    }

    /**
     * Compares the key stored whole at a restart with {@code (target, seq)} in place, without
     * allocating: the binary search probes log2(restarts) of them per seek.
     */
    private int compareRestart(int offset, byte[] target, long seq) {
      int p = readHeader(offset, 0); // a restart entry stores its key whole: shares nothing
      int c = Arrays.compareUnsigned(data, p, p + headerUnshared, target, 0, target.length);
      return c != 0 ? c : Long.compare(seq, Coding.getLong(data, p + headerUnshared) >>> 8);
    }

    private void decodeAt(int offset, byte[] previousKey) {
      if (offset >= restartsOffset) {
        current = -1;
        return;
      }
      int p = readHeader(offset, previousKey.length);
      int shared = headerShared;
      int unshared = headerUnshared;
      int vlen = headerValueLen;
      if (shared > 0 && previousKey.length == 0) {
        throw corrupt("entry at block offset " + offset + " shares a prefix at a restart");
      }
      byte[] k = new byte[shared + unshared];
      System.arraycopy(previousKey, 0, k, 0, shared);
      System.arraycopy(data, p, k, shared, unshared);
      p += unshared;
      long sk = Coding.getLong(data, p);
      int code = (int) (sk & 0xff);
      if (code != EntryKind.PUT.code() && (code != EntryKind.DELETE.code() || vlen != 0)) {
        throw corrupt(
            "entry at block offset "
                + offset
                + " has kind "
                + code
                + " and "
                + vlen
                + " value bytes");
      }
      key = k;
      seqKind = sk;
      valueOff = p + TableFormat.SEQ_KIND_SIZE;
      valueLen = vlen;
      current = offset;
      next = valueOff + vlen;
    }
  }
}
