package io.kiwidb.wal;

import static io.kiwidb.wal.LogFormat.BLOCK_SIZE;
import static io.kiwidb.wal.LogFormat.CHUNK_HEADER;

import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Cuts records into chunks that never cross a 32 KiB block boundary and collects the bytes of a
 * whole commit group in one buffer, so the group costs one {@code write}.
 *
 * <p>Invariants: {@link #fileOffset} is the segment size once the buffer is written; a block tail
 * of at most {@value LogFormat#CHUNK_HEADER} bytes is zero padding (no chunk would have room for a
 * payload byte there), so no chunk is empty.
 *
 * <p>Thread safety: none; used by the group-commit leader under the log's write lock.
 */
final class RecordFramer {
  private static final int MAX_RETAINED = 4 << 20;

  private final CRC32C crc = new CRC32C();
  private byte[] buf = new byte[64 * 1024];
  private int size;
  private long fileOffset;

  RecordFramer(long fileOffset) {
    this.fileOffset = fileOffset;
  }

  /** Starts a new group. */
  void reset() {
    size = 0;
    if (buf.length > MAX_RETAINED) {
      buf = new byte[64 * 1024]; // do not pin the memory of one huge batch forever
    }
  }

  /** Appends the chunks of one record whose payload is {@code payload}. */
  void add(byte[] payload) {
    int left = payload.length;
    int p = 0;
    boolean first = true;
    while (left > 0) {
      int blockLeft = BLOCK_SIZE - (int) (fileOffset % BLOCK_SIZE);
      if (blockLeft <= CHUNK_HEADER) {
        ensure(blockLeft);
        Arrays.fill(buf, size, size + blockLeft, (byte) 0);
        size += blockLeft;
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
      int h = size;
      buf[h + 4] = (byte) n;
      buf[h + 5] = (byte) (n >>> 8);
      buf[h + 6] = type;
      System.arraycopy(payload, p, buf, h + CHUNK_HEADER, n);
      crc.reset();
      crc.update(buf, h + 4, 3 + n);
      Coding.putInt(buf, h, Checksums.mask((int) crc.getValue()));
      size += CHUNK_HEADER + n;
      fileOffset += CHUNK_HEADER + n;
      p += n;
      left -= n;
      first = false;
    }
  }

  /** The group's bytes, ready for one append. */
  ByteBuffer bytes() {
    return ByteBuffer.wrap(buf, 0, size);
  }

  /** The segment size once the current group is written. */
  long fileOffset() {
    return fileOffset;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
