package io.kiwidb.api.spi;

/**
 * Compresses table blocks. Config key {@code compression} picks one by {@link #name()} for new
 * tables; each block records its compressor's {@link #id()}, so tables written with any known
 * compressor stay readable.
 *
 * <p>Thread safety: implementations must be safe to call from many threads at once.
 */
public interface Compressor extends NamedProvider {
  /** The stable one-byte id written in each block trailer (0 is reserved for {@code none}). */
  int id();

  /** Compresses {@code len} bytes of {@code src} from {@code off}. */
  byte[] compress(byte[] src, int off, int len);

  /**
   * Restores bytes produced by {@link #compress}.
   *
   * @param originalLength the uncompressed length, recorded by the caller
   * @throws IllegalArgumentException if {@code src} is not valid output of this compressor or does
   *     not expand to exactly {@code originalLength} bytes
   */
  byte[] decompress(byte[] src, int off, int len, int originalLength);
}
