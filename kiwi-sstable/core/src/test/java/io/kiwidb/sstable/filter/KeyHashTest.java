package io.kiwidb.sstable.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SeededRandomExtension.class)
class KeyHashTest {
  /** The hash is part of the on-disk filter formats: these values must never change. */
  @Test
  void valuesArePinned() {
    assertEquals(0xC5A49D04A6BAB236L, KeyHash.hash64(new byte[0]));
    assertEquals(0xFF4776883FB311C0L, KeyHash.hash64("kiwi".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        0x3DCEA5E2F680268BL,
        KeyHash.hash64("user:000000000042/profile".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void trailingZeroBytesChangeTheHash() {
    Set<Long> seen = new HashSet<>();
    for (int len = 0; len <= 24; len++) {
      assertTrue(seen.add(KeyHash.hash64(new byte[len])), "zero key of length " + len);
    }
  }

  /** Flipping any one input bit flips about half the output bits (a broken mix shows far less). */
  @Test
  void everyInputBitAvalanches(SeededRandom random) {
    for (int len : new int[] {3, 8, 16, 21}) {
      long totalFlips = 0;
      int trials = 0;
      for (int t = 0; t < 50; t++) {
        byte[] key = random.bytes(len);
        long h = KeyHash.hash64(key);
        for (int bit = 0; bit < len * 8; bit++) {
          key[bit >>> 3] ^= (byte) (1 << (bit & 7));
          long h2 = KeyHash.hash64(key);
          key[bit >>> 3] ^= (byte) (1 << (bit & 7));
          int flips = Long.bitCount(h ^ h2);
          assertTrue(flips >= 8, "bit " + bit + " of a " + len + "-byte key flipped " + flips);
          totalFlips += flips;
          trials++;
        }
      }
      double mean = totalFlips / (double) trials;
      assertEquals(32, mean, 1.0, "mean output bits flipped for " + len + "-byte keys");
    }
  }

  @Test
  void sequentialKeysDoNotCollide() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      byte[] key = String.format("key%09d", i).getBytes(StandardCharsets.UTF_8);
      assertTrue(seen.add(KeyHash.hash64(key)), "collision at key " + i);
    }
  }

  @Test
  void seedsGiveUnrelatedRemixes() {
    long h = KeyHash.hash64(new byte[] {1, 2, 3});
    assertNotEquals(KeyHash.remix(h, 0), KeyHash.remix(h, 1));
    int flips = Long.bitCount(KeyHash.remix(h, 0) ^ KeyHash.remix(h, 1));
    assertTrue(flips > 16 && flips < 48, "flips " + flips);
  }
}
