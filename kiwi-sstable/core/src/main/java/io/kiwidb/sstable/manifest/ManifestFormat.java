package io.kiwidb.sstable.manifest;

import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The manifest file format, version 1; {@code docs/format/manifest.md} documents the bytes (change
 * both together).
 *
 * <pre>
 * file   := header record*
 * header := magic "KIWI-MAN" [8] | version u32 | manifest number u64 | masked CRC32C u32 of the 20 bytes before
 * record := length u32 | masked CRC32C of the payload u32 | masked CRC32C of the 8 bytes before u32 | payload [length]
 * </pre>
 *
 * All integers little-endian. The record header has its own checksum so that a damaged length is
 * told apart from a record cut short by a crash: only a record whose header checks out and whose
 * payload runs past the end of the file is a torn tail.
 */
final class ManifestFormat {
  static final byte[] MAGIC = "KIWI-MAN".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER_SIZE = 24;
  static final int RECORD_HEADER_SIZE = 12;

  /** Longest record payload accepted (a snapshot of a very large store stays far below it). */
  static final int MAX_RECORD_BYTES = 256 << 20;

  private ManifestFormat() {}

  static byte[] header(long manifestNumber) {
    byte[] h = new byte[HEADER_SIZE];
    System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
    Coding.putInt(h, 8, VERSION);
    Coding.putLong(h, 12, manifestNumber);
    Coding.putInt(h, 20, Checksums.maskedCrc32c(h, 0, 20));
    return h;
  }

  /**
   * Checks a header: magic, then version (before the checksum, because another version may lay out
   * the rest differently), then checksum and number.
   *
   * @return null if good, else what is wrong, with the offset of the bad field
   */
  static Problem checkHeader(byte[] h, long expectedNumber) {
    if (!Arrays.equals(h, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return new Problem(0, "bad magic: not a kiwi-db manifest");
    }
    int version = Coding.getInt(h, 8);
    if (version != VERSION) {
      return new Problem(
          8,
          "manifest format version "
              + Integer.toUnsignedString(version)
              + " is "
              + (Integer.compareUnsigned(version, VERSION) > 0 ? "too new" : "too old")
              + ": this build reads version "
              + VERSION);
    }
    if (Coding.getInt(h, 20) != Checksums.maskedCrc32c(h, 0, 20)) {
      return new Problem(0, "header checksum mismatch");
    }
    long number = Coding.getLong(h, 12);
    if (number != expectedNumber) {
      return new Problem(
          12, "header names manifest " + number + " but the file name says " + expectedNumber);
    }
    return null;
  }

  /** A framed record: its 12-byte header followed by the payload. */
  static byte[] frame(byte[] payload) {
    byte[] r = new byte[RECORD_HEADER_SIZE + payload.length];
    Coding.putInt(r, 0, payload.length);
    Coding.putInt(r, 4, Checksums.maskedCrc32c(payload, 0, payload.length));
    Coding.putInt(r, 8, Checksums.maskedCrc32c(r, 0, 8));
    System.arraycopy(payload, 0, r, RECORD_HEADER_SIZE, payload.length);
    return r;
  }

  record Problem(long offset, String detail) {}
}
