package io.kiwidb.sstable.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
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
  void roundTripsRandomCompressibleAndEmptyInputs(SeededRandom random) {
    for (Compressor c : NamedProviders.all(Compressor.class).values()) {
      for (int i = 0; i < 200; i++) {
        int len = random.nextInt(3) == 0 ? 0 : random.nextInt(20_000);
        byte[] src = new byte[len + 10];
        if (random.nextBoolean()) {
          random.nextBytes(src);
        } else {
          for (int j = 0; j < src.length; j++) {
            src[j] = (byte) ('a' + (j / 7) % 5);
          }
        }
        byte[] packed = c.compress(src, 5, len);
        byte[] back = c.decompress(packed, 0, packed.length, len);
        assertArrayEquals(java.util.Arrays.copyOfRange(src, 5, 5 + len), back, c.name());
      }
    }
  }

  @Test
  void lz4ShrinksRepetitiveData() {
    byte[] src = "the quick brown fox jumps over the lazy dog ".repeat(100).getBytes();
    byte[] packed = new Lz4Compressor().compress(src, 0, src.length);
    assertTrue(packed.length < src.length / 10, "packed to " + packed.length);
  }

  @Test
  void malformedInputIsAnIllegalArgumentNeverAnOverrun(SeededRandom random) {
    Lz4Compressor lz4 = new Lz4Compressor();
    byte[] src = "abcabcabcabcabcabcabcabcabcabcabcabcabcabc".repeat(20).getBytes();
    byte[] packed = lz4.compress(src, 0, src.length);
    assertThrows(
        IllegalArgumentException.class,
        () -> lz4.decompress(packed, 0, packed.length, src.length - 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> lz4.decompress(packed, 0, packed.length, src.length + 1));
    for (int i = 0; i < 500; i++) {
      byte[] junk = random.bytes(1 + random.nextInt(64));
      try {
        byte[] out = lz4.decompress(junk, 0, junk.length, 100);
        assertEquals(100, out.length);
      } catch (IllegalArgumentException expected) {
        // malformed: rejected
      }
    }
    NoCompressor none = new NoCompressor();
    assertThrows(IllegalArgumentException.class, () -> none.decompress(src, 0, 10, 11));
  }
}
