package io.kiwidb.sstable;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.sstable.compress.NoCompressor;
import java.util.Objects;

/**
 * How new tables are laid out. Readers need none of this: everything they need is recorded in the
 * file.
 *
 * @param blockSize target size of uncompressed data blocks in bytes (a block is cut once it reaches
 *     it; one entry larger than this gets a block of its own)
 * @param restartInterval entries between restart points in data blocks
 * @param compressor the codec tried on each block ({@code none} stores blocks raw)
 * @param filterPolicy the filter built over the table's user keys, or {@code null} for no filter
 * @param falsePositiveRate the filter's target false-positive rate, in (0, 1)
 */
public record TableOptions(
    int blockSize,
    int restartInterval,
    Compressor compressor,
    FilterPolicy filterPolicy,
    double falsePositiveRate) {
  /** The reference's default block size. */
  public static final int DEFAULT_BLOCK_SIZE = 4096;

  /** Entries between restart points unless set otherwise. */
  public static final int DEFAULT_RESTART_INTERVAL = 16;

  /** Validates eagerly, naming the bad field and value. */
  public TableOptions {
    if (blockSize < 64 || blockSize > (64 << 20)) {
      throw new IllegalArgumentException("block_size must be in [64, 64 MiB], got " + blockSize);
    }
    if (restartInterval < 1 || restartInterval > 1024) {
      throw new IllegalArgumentException(
          "restart interval must be in [1, 1024], got " + restartInterval);
    }
    Objects.requireNonNull(compressor, "compressor");
    if (compressor.id() < 0 || compressor.id() > 255) {
      throw new IllegalArgumentException(
          "compressor '" + compressor.name() + "' has id " + compressor.id() + ", not a byte");
    }
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new IllegalArgumentException(
          "false positive rate must be in (0, 1), got " + falsePositiveRate);
    }
  }

  /** 4 KiB blocks, restarts every 16 entries, no compression, no filter. */
  public static TableOptions defaults() {
    return new TableOptions(
        DEFAULT_BLOCK_SIZE, DEFAULT_RESTART_INTERVAL, new NoCompressor(), null, 0.01);
  }

  /** These options with another block size. */
  public TableOptions withBlockSize(int size) {
    return new TableOptions(size, restartInterval, compressor, filterPolicy, falsePositiveRate);
  }

  /** These options with another restart interval. */
  public TableOptions withRestartInterval(int interval) {
    return new TableOptions(blockSize, interval, compressor, filterPolicy, falsePositiveRate);
  }

  /** These options with another codec. */
  public TableOptions withCompressor(Compressor codec) {
    return new TableOptions(blockSize, restartInterval, codec, filterPolicy, falsePositiveRate);
  }

  /** These options with a filter ({@code null} for none) at a target false-positive rate. */
  public TableOptions withFilter(FilterPolicy policy, double fpr) {
    return new TableOptions(blockSize, restartInterval, compressor, policy, fpr);
  }
}
