package io.kiwidb.wal;

import static io.kiwidb.wal.LogFormat.BLOCK_SIZE;
import static io.kiwidb.wal.LogFormat.CHUNK_HEADER;
import static io.kiwidb.wal.LogFormat.HEADER_SIZE;

import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.api.spi.ReadableFile;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment, block by block, and says how the segment ended: cleanly, with a
 * torn tail (the file ends inside a chunk or a record: a write cut short by a crash), or at the
 * first damaged byte. It never returns a record it could not fully verify, and never skips one:
 * after damage it stops, even though the block framing would let it resynchronise, because a
 * missing middle record would make a state that never existed.
 *
 * <p>Thread safety: none; one reader per segment.
 */
final class SegmentReader {
  /** Receives each verified record; returns {@code null} to go on or a reason to stop. */
  interface Sink {
    String record(long firstSeq, WalBatch batch, long start, long end);
  }

  /** How a segment ended. */
  enum EndKind {
    CLEAN,
    TORN,
    CORRUPT,
    UNSUPPORTED_VERSION
  }

  /**
   * The end of a segment.
   *
   * @param validEnd the end of the last whole record (or of the header): everything before it was
   *     delivered, everything from it on was not
   * @param problemOffset where the damage was detected (CORRUPT, UNSUPPORTED_VERSION), else -1
   */
  record End(EndKind kind, long validEnd, long problemOffset, String detail) {}

  private final ReadableFile file;
  private final long segment;
  private final long size;
  private final byte[] block = new byte[BLOCK_SIZE];
  private final CRC32C crc = new CRC32C();
  private byte[] record = new byte[4096];
  private int recordLen;

  SegmentReader(ReadableFile file, long segment, long size) {
    this.file = file;
    this.segment = segment;
    this.size = size;
  }

  End read(Sink sink) throws IOException {
    if (size < HEADER_SIZE) {
      return new End(EndKind.TORN, 0, -1, "file of " + size + " bytes ends inside the header");
    }
    long blockStart = 0;
    int blockLen = load(blockStart);
    byte[] header = Arrays.copyOf(block, HEADER_SIZE);
    LogFormat.HeaderProblem hp = LogFormat.checkHeader(header, segment);
    if (hp != null) {
      return new End(
          hp.unsupportedVersion() ? EndKind.UNSUPPORTED_VERSION : EndKind.CORRUPT,
          0,
          hp.offset(),
          hp.detail());
    }
    boolean skipRecords = LogFormat.version(header) >= LogFormat.SKIP_RECORDS_SINCE;
    long validEnd = HEADER_SIZE;
    long recordStart = -1; // >= 0 while a FIRST chunk awaits its LAST
    long[] seqOut = new long[1];
    int p = HEADER_SIZE;
    while (true) {
      int blockLeft = BLOCK_SIZE - p;
      if (blockLeft <= CHUNK_HEADER) {
        for (int i = p; i < blockLen; i++) {
          if (block[i] != 0) {
            return corrupt(validEnd, blockStart + i, "non-zero byte in block padding");
          }
        }
        blockStart += BLOCK_SIZE;
        if (blockStart >= size) {
          return eof(validEnd, recordStart);
        }
        blockLen = load(blockStart);
        p = 0;
        continue;
      }
      int avail = blockLen - p;
      if (avail == 0) {
        return eof(validEnd, recordStart);
      }
      long chunkStart = blockStart + p;
      if (avail < CHUNK_HEADER) {
        return torn(validEnd, "file ends inside the chunk header at " + chunkStart);
      }
      int n = (block[p + 4] & 0xff) | (block[p + 5] & 0xff) << 8;
      byte type = block[p + 6];
      if (n == 0 || CHUNK_HEADER + n > blockLeft) {
        return corrupt(
            validEnd,
            chunkStart,
            "chunk length " + n + " does not fit the " + blockLeft + " bytes left in its block");
      }
      if (CHUNK_HEADER + n > avail) {
        return torn(validEnd, "file ends inside the chunk at " + chunkStart);
      }
      crc.reset();
      crc.update(block, p + 4, 3 + n);
      if (Coding.getInt(block, p) != Checksums.mask((int) crc.getValue())) {
        return corrupt(validEnd, chunkStart, "chunk checksum mismatch");
      }
      long chunkEnd = chunkStart + CHUNK_HEADER + n;
      switch (type) {
        case LogFormat.FULL, LogFormat.FIRST -> {
          if (recordStart >= 0) {
            return corrupt(
                validEnd,
                chunkStart,
                "record at " + recordStart + " has no LAST chunk before this one");
          }
          recordLen = 0;
          append(p + CHUNK_HEADER, n);
          recordStart = chunkStart;
        }
        case LogFormat.MIDDLE, LogFormat.LAST -> {
          if (recordStart < 0) {
            return corrupt(validEnd, chunkStart, "continuation chunk without a FIRST chunk");
          }
          append(p + CHUNK_HEADER, n);
        }
        default -> {
          return corrupt(validEnd, chunkStart, "unknown chunk type " + type);
        }
      }
      if (type == LogFormat.FULL || type == LogFormat.LAST) {
        WalBatch batch;
        try {
          batch = WalBatch.decode(record, recordLen, seqOut, skipRecords);
        } catch (IllegalArgumentException e) {
          return corrupt(validEnd, recordStart, "undecodable record: " + e.getMessage());
        }
        String problem = sink.record(seqOut[0], batch, recordStart, chunkEnd);
        if (problem != null) {
          return corrupt(validEnd, recordStart, problem);
        }
        validEnd = chunkEnd;
        recordStart = -1;
      }
      p += CHUNK_HEADER + n;
    }
  }

  private int load(long blockStart) throws IOException {
    int len = (int) Math.min(BLOCK_SIZE, size - blockStart);
    file.readFully(blockStart, block, 0, len);
    return len;
  }

  private void append(int from, int n) {
    if (recordLen + n > record.length) {
      record = Arrays.copyOf(record, Math.max(record.length * 2, recordLen + n));
    }
    System.arraycopy(block, from, record, recordLen, n);
    recordLen += n;
  }

  private static End eof(long validEnd, long recordStart) {
    return recordStart >= 0
        ? torn(validEnd, "file ends inside the record at " + recordStart)
        : new End(EndKind.CLEAN, validEnd, -1, null);
  }

  private static End torn(long validEnd, String detail) {
    return new End(EndKind.TORN, validEnd, -1, detail);
  }

  private static End corrupt(long validEnd, long offset, String detail) {
    return new End(EndKind.CORRUPT, validEnd, offset, detail);
  }
}
