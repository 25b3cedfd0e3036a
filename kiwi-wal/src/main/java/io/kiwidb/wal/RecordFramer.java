package io.kiwidb.wal;

import static io.kiwidb.wal.LogFormat.BLOCK_SIZE;
import static io.kiwidb.wal.LogFormat.CHUNK_HEADER;

import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Cuts records into chunks that never cross a 32 KiB block boundary and collects the bytes of a
 * whole commit group in one buffer, so the group costs one {@code write}.
 *
 * <p>The buffer is direct: a channel write from a heap buffer first copies it into a temporary
 * direct one, and on a {@code none}-mode log that copy is a large part of the cost of an append.
 *
 * <p>Invariants: {@link #fileOffset} is the segment size once the buffer is written; a block tail
 * of at most {@value LogFormat#CHUNK_HEADER} bytes is zero padding (no chunk would have room for a
 * payload byte there), so no chunk is empty.
 *
 * <p>Thread safety: none; used by the group-commit leader under the log's write lock.
 */
final class RecordFramer {
  private static final int INITIAL = 64 * 1024;
  private static final int MAX_RETAINED = 4 << 20;
  private static final byte[] ZEROS = new byte[CHUNK_HEADER];

  private final CRC32C crc = new CRC32C();
  private final byte[] seqBytes = new byte[8];
  private ByteBuffer buf = allocate(INITIAL);
  private long fileOffset;

  RecordFramer(long fileOffset) {
    this.fileOffset = fileOffset;
  }

  private static ByteBuffer allocate(int capacity) {
    return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Starts a new group. */
  void reset() {
    if (buf.capacity() > MAX_RETAINED) {
      buf = allocate(INITIAL); // do not pin the memory of one huge batch forever
    }
    buf.clear();
  }

  /**
   * Appends the chunks of one record: {@code firstSeq} as its first 8 bytes, then {@code payload}
   * from offset 8 (the batch's encoding leaves those 8 bytes for the sequence number, which is
   * assigned only now; the shared payload array itself is never modified).
   */
  void add(long firstSeq, byte[] payload) {
    Coding.putLong(seqBytes, 0, firstSeq);
    int left = payload.length;
    int p = 0;
    boolean first = true;
    while (left > 0) {
      int blockLeft = BLOCK_SIZE - (int) (fileOffset % BLOCK_SIZE);
      if (blockLeft <= CHUNK_HEADER) {
        ensure(blockLeft);
        buf.put(ZEROS, 0, blockLeft);
        fileOffset += blockLeft;
        blockLeft = BLOCK_SIZE;
      }
      int n = Math.min(left, blockLeft - CHUNK_HEADER);
      boolean last = n == left;
      byte type =
          first
              ? (last ? LogFormat.FULL : LogFormat.FIRST)
              : (last ? LogFormat.LAST : LogFormat.MIDDLE);
      ensure(CHUNK_HEADER + n);
      int h = buf.position();
      buf.position(h + 4);
      buf.putShort((short) n);
      buf.put(type);
      if (p < 8) {
        int k = Math.min(8 - p, n);
        buf.put(seqBytes, p, k);
        buf.put(payload, p + k, n - k);
      } else {
        buf.put(payload, p, n);
      }
      int end = buf.position();
      crc.reset();
      crc.update(buf.duplicate().position(h + 4).limit(end));
      buf.putInt(h, Checksums.mask((int) crc.getValue()));
      fileOffset += CHUNK_HEADER + n;
      p += n;
      left -= n;
      first = false;
    }
  }

  /** The group's bytes, ready for one append. */
  ByteBuffer bytes() {
    return buf.duplicate().flip();
  }

  /** The segment size once the current group is written. */
  long fileOffset() {
    return fileOffset;
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      ByteBuffer bigger = allocate(Math.max(buf.capacity() * 2, buf.position() + more));
      bigger.put(buf.flip());
      buf = bigger;
    }
  }
}
