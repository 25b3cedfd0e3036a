package io.kiwidb.sstable.lz4;

import io.kiwidb.api.spi.Compressor;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression (id 1) from lz4-java ({@code at.yawk.lz4:lz4-java}, the maintained fork).
 * LZ4 is the codec RocksDB and Pebble recommend for hot levels: a few hundred MB/s to compress and
 * GB/s to decompress, so a block read stays dominated by I/O, not by the codec.
 *
 * <p>Decompression uses LZ4's <em>safe</em> decompressor, which bounds every copy by the output
 * buffer: a block that passed its CRC but is still malformed (or was written by a buggy writer)
 * gives an {@link IllegalArgumentException}, never an out-of-bounds read or write. The JNI build is
 * used where the native library loads; the pure-Java one elsewhere. Both produce the same format.
 *
 * <p>Thread safety: lz4-java's compressor and decompressor instances are stateless and shared.
 */
public final class Lz4Compressor implements Compressor {
  /** The config and on-disk name. */
  public static final String NAME = "lz4";

  /** The block-trailer id. */
  public static final int ID = 1;

  private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
  private static final LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR = FACTORY.safeDecompressor();

  /** Creates the codec (ServiceLoader needs a public no-arg constructor). */
  public Lz4Compressor() {}

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
    byte[] out = new byte[COMPRESSOR.maxCompressedLength(len)];
    int n = COMPRESSOR.compress(src, off, len, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }

  @Override
  public byte[] decompress(byte[] src, int off, int len, int originalLength) {
    if (originalLength < 0) {
      throw new IllegalArgumentException("negative original length " + originalLength);
    }
    byte[] out = new byte[originalLength];
    int n;
    try {
      n = DECOMPRESSOR.decompress(src, off, len, out, 0, originalLength);
    } catch (LZ4Exception e) {
      throw new IllegalArgumentException("malformed lz4 block: " + e.getMessage(), e);
    }
    if (n != originalLength) {
      throw new IllegalArgumentException(
          "lz4 block expanded to " + n + " bytes, expected " + originalLength);
    }
    return out;
  }

  /** Which lz4-java implementation is in use (JNI or pure Java), for benchmark reports. */
  public static String implementation() {
    return FACTORY.toString();
  }
}
