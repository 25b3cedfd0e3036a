package io.kiwidb.sstable.compress;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.testkit.CompressorContract;

class Lz4CompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return new Lz4Compressor();
  }
}
