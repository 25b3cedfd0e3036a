package io.kiwidb.sstable.compress;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.testkit.CompressorContract;

class NoCompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return new NoCompressor();
  }
}
