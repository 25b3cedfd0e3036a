package io.kiwidb.sstable.compress;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.NamedProviders;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The installed set of codecs; each codec runs {@link io.kiwidb.testkit.CompressorContract}. */
class CompressorTest {
  @Test
  void bothCodecsAreInstalledWithStableIds() {
    Map<String, Compressor> all = NamedProviders.all(Compressor.class);
    assertEquals(Set.of("lz4", "none"), all.keySet());
    assertEquals(0, all.get("none").id());
    assertEquals(1, all.get("lz4").id());
    assertEquals(
        2, all.values().stream().map(Compressor::id).collect(Collectors.toSet()).size(), "ids");
  }

  @Test
  void lz4ShrinksRepetitiveData() {
    byte[] src = "the quick brown fox jumps over the lazy dog ".repeat(100).getBytes(UTF_8);
    byte[] packed = new Lz4Compressor().compress(src, 0, src.length);
    assertTrue(packed.length < src.length / 10, "packed to " + packed.length);
  }
}
