package io.kiwidb.sstable.lz4;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.testkit.CompressorContract;
import org.junit.jupiter.api.Test;

class Lz4CompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return new Lz4Compressor();
  }

  @Test
  void shrinksRepetitiveData() {
    byte[] src = "the quick brown fox jumps over the lazy dog ".repeat(100).getBytes(UTF_8);
    byte[] packed = new Lz4Compressor().compress(src, 0, src.length);
    assertTrue(packed.length < src.length / 10, "packed to " + packed.length);
  }
}
