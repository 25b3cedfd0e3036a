package io.kiwidb.sstable.filter;

import io.kiwidb.api.spi.Coding;

/**
 * The 16-byte header every bloom and ribbon filter starts with, so a filter block describes its own
 * geometry and a reader never has to trust the config that wrote it. Layout (little-endian; see
 * {@code docs/format/filters.md}):
 *
 * <pre>
 * 0   u8   kind        'B' (0x42) bloom, 'R' (0x52) ribbon
 * 1   u8   version     1
 * 2   u8   param1      bloom: probes per key; ribbon: result bits per key
 * 3   u8   param2      bloom: log2 of block bits (9); ribbon: coefficient width (128)
 * 4   u32  numBlocks   512-bit blocks (bloom), 64-slot blocks (ribbon)
 * 8   u64  seed        hash seed the keys were remixed with
 * </pre>
 *
 * @param kind the policy's kind byte
 * @param version the format version
 * @param param1 first geometry parameter (unsigned byte)
 * @param param2 second geometry parameter (unsigned byte)
 * @param numBlocks number of blocks, non-negative
 * @param seed the hash seed
 */
public record FilterHeader(
    byte kind, int version, int param1, int param2, int numBlocks, long seed) {
  /** Header length in bytes. */
  public static final int LENGTH = 16;

  /** The one version this build writes and reads. */
  public static final int VERSION = 1;

  /** Writes this header into {@code out[0, 16)}. */
  public void writeTo(byte[] out) {
    out[0] = kind;
    out[1] = (byte) version;
    out[2] = (byte) param1;
    out[3] = (byte) param2;
    Coding.putInt(out, 4, numBlocks);
    Coding.putLong(out, 8, seed);
  }

  /**
   * Parses and checks the parts of the header common to every kind.
   *
   * @throws IllegalArgumentException if {@code b} is too short, of another kind, or of a version
   *     this build does not read
   */
  public static FilterHeader parse(byte[] b, byte expectedKind, String policy) {
    if (b.length < LENGTH) {
      throw new IllegalArgumentException(
          policy + " filter truncated: " + b.length + " bytes, header needs " + LENGTH);
    }
    if (b[0] != expectedKind) {
      throw new IllegalArgumentException(
          String.format(
              "not a %s filter: kind byte 0x%02x, expected 0x%02x",
              policy, b[0] & 0xFF, expectedKind & 0xFF));
    }
    int version = b[1] & 0xFF;
    if (version != VERSION) {
      throw new IllegalArgumentException(
          policy
              + " filter format version "
              + version
              + " is "
              + (version > VERSION ? "too new" : "too old")
              + " (this build reads version "
              + VERSION
              + ")");
    }
    int numBlocks = Coding.getInt(b, 4);
    if (numBlocks < 0) {
      throw new IllegalArgumentException(
          policy + " filter header: negative block count " + numBlocks);
    }
    return new FilterHeader(
        b[0], version, b[2] & 0xFF, b[3] & 0xFF, numBlocks, Coding.getLong(b, 8));
  }

  /**
   * Checks that the filter is exactly header + {@code numBlocks * blockBytes} long; done before any
   * allocation, so a corrupt block count cannot cause a huge one.
   */
  public void checkLength(byte[] b, long blockBytes, String policy) {
    long expected = LENGTH + numBlocks * blockBytes;
    if (b.length != expected) {
      throw new IllegalArgumentException(
          policy
              + " filter length "
              + b.length
              + " does not match its header ("
              + numBlocks
              + " blocks of "
              + blockBytes
              + " bytes + "
              + LENGTH
              + " = "
              + expected
              + ")");
    }
  }
}
