package io.kiwidb.sstable.compress;

import io.kiwidb.api.spi.Compressor;
import java.util.Arrays;

/**
 * The identity codec, id 0. Every table reader understands it, so blocks that do not shrink enough
 * under the configured codec are stored with it.
 *
 * <p>Thread safety: stateless.
 */
public final class NoCompressor implements Compressor {
  /** The config and on-disk name. */
  public static final String NAME = "none";

  /** The block-trailer id. */
  public static final int ID = 0;

  /** Creates the codec (ServiceLoader needs a public no-arg constructor). */
  public NoCompressor() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public byte[] compress(byte[] src, int off, int len) {
    return Arrays.copyOfRange(src, off, off + len);
  }

  @Override
  public byte[] decompress(byte[] src, int off, int len, int originalLength) {
    if (len != originalLength) {
      throw new IllegalArgumentException(
          "uncompressed block of " + len + " bytes, expected " + originalLength);
    }
    return Arrays.copyOfRange(src, off, off + len);
  }
}
