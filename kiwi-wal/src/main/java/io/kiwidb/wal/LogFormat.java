package io.kiwidb.wal;

import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Constants and the segment header of the log format, version 2 (version 1 segments are still
 * read). The byte layout is documented in {@code docs/format/wal.md}; change both together.
 *
 * <p>Version 2 adds one record kind, the <em>skip record</em> (operation count 0): sequence numbers
 * that the engine assigned to writes with {@code WriteOptions.disableWal}, so that the logged
 * records around them stay contiguous. A version 1 reader would take it for damage, hence the new
 * version; the header layout is unchanged.
 *
 * <p>A segment is a sequence of 32 KiB blocks counted from the start of the file. The first block
 * begins with the {@value #HEADER_SIZE}-byte segment header; chunks follow. A chunk never crosses a
 * block boundary, so a reader that meets a damaged chunk always knows where the next block, and
 * thus the next chunk header, begins; a block tail too short for a chunk header is zero padding.
 */
final class LogFormat {
  static final int BLOCK_SIZE = 32 * 1024;

  /** masked CRC32C u32 | length u16 | type u8. */
  static final int CHUNK_HEADER = 7;

  static final byte FULL = 1;
  static final byte FIRST = 2;
  static final byte MIDDLE = 3;
  static final byte LAST = 4;

  /** "KIWI-WAL". The magic and the version field keep their place in every future version. */
  static final byte[] MAGIC = "KIWI-WAL".getBytes(StandardCharsets.US_ASCII);

  /** The version this build writes. */
  static final int VERSION = 2;

  /** The oldest version this build reads. */
  static final int MIN_VERSION = 1;

  /** The first version with skip records. */
  static final int SKIP_RECORDS_SINCE = 2;

  /** magic[8] | version u32 | segment number u64 | masked CRC32C u32 of the 20 bytes before. */
  static final int HEADER_SIZE = 24;

  static final String SUFFIX = ".log";

  /** Zero padding width of segment numbers in file names (names sort like numbers). */
  static final int NAME_DIGITS = 6;

  private LogFormat() {}

  static String fileName(long segment) {
    String digits = Long.toString(segment);
    return "0".repeat(Math.max(0, NAME_DIGITS - digits.length())) + digits + SUFFIX;
  }

  /** The segment number of a log file name, or -1 if the name is not one of ours. */
  static long parseFileName(String name) {
    if (!name.endsWith(SUFFIX) || name.length() < NAME_DIGITS + SUFFIX.length()) {
      return -1;
    }
    String digits = name.substring(0, name.length() - SUFFIX.length());
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static byte[] header(long segment) {
    return header(segment, VERSION);
  }

  /** A header of an older version, for compatibility tests. */
  static byte[] header(long segment, int version) {
    byte[] h = new byte[HEADER_SIZE];
    System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
    Coding.putInt(h, 8, version);
    Coding.putLong(h, 12, segment);
    Coding.putInt(h, 20, Checksums.maskedCrc32c(h, 0, 20));
    return h;
  }

  /**
   * Checks a segment header: magic, then version (before the checksum, because a later version may
   * lay out the rest differently), then checksum and segment number.
   *
   * @return {@code null} if the header is good, otherwise what is wrong
   */
  static HeaderProblem checkHeader(byte[] h, long expectedSegment) {
    if (!Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return new HeaderProblem(0, "bad magic: not a kiwi-db WAL segment", false);
    }
    int version = Coding.getInt(h, 8);
    if (Integer.compareUnsigned(version, VERSION) > 0
        || Integer.compareUnsigned(version, MIN_VERSION) < 0) {
      return new HeaderProblem(
          8,
          "WAL format version "
              + Integer.toUnsignedString(version)
              + " is "
              + (Integer.compareUnsigned(version, VERSION) > 0 ? "too new" : "too old")
              + ": this build reads versions "
              + MIN_VERSION
              + " to "
              + VERSION,
          true);
    }
    if (Coding.getInt(h, 20) != Checksums.maskedCrc32c(h, 0, 20)) {
      return new HeaderProblem(0, "segment header checksum mismatch", false);
    }
    long segment = Coding.getLong(h, 12);
    if (segment != expectedSegment) {
      return new HeaderProblem(
          12,
          "header names segment " + segment + " but the file name says " + expectedSegment,
          false);
    }
    return null;
  }

  /**
   * A bad segment header. A version mismatch is never skipped by point-in-time recovery: dropping a
   * log that a newer build wrote would silently lose acknowledged data.
   */
  record HeaderProblem(long offset, String detail, boolean unsupportedVersion) {}

  /** The version field of a header that {@link #checkHeader} accepted. */
  static int version(byte[] h) {
    return Coding.getInt(h, 8);
  }
}
