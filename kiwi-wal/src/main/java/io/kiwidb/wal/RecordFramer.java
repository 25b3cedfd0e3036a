package io.kiwidb.wal;

import static io.kiwidb.wal.LogFormat.BLOCK_SIZE;
import static io.kiwidb.wal.LogFormat.CHUNK_HEADER;

import io.kiwidb.api.spi.Checksums;
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
  private final byte[] scratch = new byte[WalBatch.FIXED_HEADER];
  private int recordLeft; // payload bytes of the current record not yet given a chunk
  private int chunkLeft; // payload bytes the open chunk still expects
  private int chunkStart; // buffer position of the open chunk's header
  private boolean firstChunk;
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

  /** Appends one record: the batch's payload with {@code firstSeq}, cut into chunks. */
  void add(long firstSeq, WalBatch batch) {
    recordLeft = batch.encodedSize();
    firstChunk = true;
    chunkLeft = 0;
    batch.encodeTo(firstSeq, this);
    if (recordLeft != 0 || chunkLeft != 0) {
      throw new IllegalStateException(
          "batch encoded to the wrong size: " + recordLeft + " record bytes left, " + chunkLeft);
    }
  }

  /** An 20-byte array {@link WalBatch#encodeTo} may use for its fixed fields and varints. */
  byte[] scratch() {
    return scratch;
  }

  /** Appends payload bytes of the current record, opening and closing chunks as blocks fill. */
  void put(byte[] b, int off, int len) {
    while (len > 0) {
      if (chunkLeft == 0) {
        openChunk();
      }
      int n = Math.min(len, chunkLeft);
      buf.put(b, off, n);
      off += n;
      len -= n;
      chunkLeft -= n;
      if (chunkLeft == 0) {
        closeChunk();
      }
    }
  }

  /** Pads a block tail too short for a chunk, then reserves a chunk header for what fits. */
  private void openChunk() {
    if (recordLeft <= 0) {
      throw new IllegalStateException("batch encoded to more bytes than its encodedSize");
    }
    int blockLeft = BLOCK_SIZE - (int) (fileOffset % BLOCK_SIZE);
    if (blockLeft <= CHUNK_HEADER) {
      ensure(blockLeft);
      buf.put(ZEROS, 0, blockLeft);
      fileOffset += blockLeft;
      blockLeft = BLOCK_SIZE;
    }
    int n = Math.min(recordLeft, blockLeft - CHUNK_HEADER);
    boolean last = n == recordLeft;
    ensure(CHUNK_HEADER + n);
    chunkStart = buf.position();
    buf.position(chunkStart + 4);
    buf.putShort((short) n);
    buf.put(
        firstChunk
            ? (last ? LogFormat.FULL : LogFormat.FIRST)
            : (last ? LogFormat.LAST : LogFormat.MIDDLE));
    chunkLeft = n;
    recordLeft -= n;
    firstChunk = false;
    fileOffset += CHUNK_HEADER + n;
  }

  /** Fills in the checksum of the chunk just completed: length, type and payload. */
  private void closeChunk() {
    crc.reset();
    crc.update(buf.duplicate().position(chunkStart + 4).limit(buf.position()));
    buf.putInt(chunkStart, Checksums.mask((int) crc.getValue()));
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
