package io.kiwidb.api.spi;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C helpers shared by every on-disk format. Stored checksums are masked (rotated and offset,
 * as LevelDB does) so that the CRC of data that itself contains CRCs does not degenerate.
 *
 * <p>Thread safety: stateless.
 */
public final class Checksums {
  private static final int MASK_DELTA = 0xa282ead8;

  private Checksums() {}

  /** The CRC32C of {@code len} bytes of {@code b} from {@code off}. */
  public static int crc32c(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    return (int) crc.getValue();
  }

  /** The CRC32C of the remaining bytes of {@code buf}; its position is left unchanged. */
  public static int crc32c(ByteBuffer buf) {
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate());
    return (int) crc.getValue();
  }

  /** Masks a CRC for storage. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** Reverses {@link #mask}. */
  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  /** The masked CRC32C of a range, ready to store. */
  public static int maskedCrc32c(byte[] b, int off, int len) {
    return mask(crc32c(b, off, len));
  }
}
