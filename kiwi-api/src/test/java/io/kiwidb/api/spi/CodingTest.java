package io.kiwidb.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CodingTest {
  @Test
  void varintsRoundTripAtEveryWidth() {
    byte[] buf = new byte[10];
    for (int bits = 0; bits < 64; bits++) {
      for (long v : new long[] {(1L << bits) - 1, 1L << bits, (1L << bits) + 1, -1L}) {
        int end = Coding.putVarLong(buf, 0, v);
        assertEquals(Coding.varLongSize(v), end);
        int[] pos = {0};
        assertEquals(v, Coding.getVarLong(buf, pos, end));
        assertEquals(end, pos[0]);
      }
    }
  }

  @Test
  void truncatedOrOverlongVarintsAreRejected() {
    byte[] buf = new byte[10];
    int end = Coding.putVarLong(buf, 0, 1L << 40);
    assertThrows(
        IllegalArgumentException.class, () -> Coding.getVarLong(buf, new int[] {0}, end - 1));
    byte[] overlong = new byte[11];
    java.util.Arrays.fill(overlong, (byte) 0x80);
    assertThrows(
        IllegalArgumentException.class, () -> Coding.getVarLong(overlong, new int[] {0}, 11));
    int e2 = Coding.putVarLong(buf, 0, 1000);
    assertThrows(
        IllegalArgumentException.class, () -> Coding.getVarInt(buf, new int[] {0}, e2, 999));
  }

  @Test
  void fixedWidthIsLittleEndian() {
    byte[] b = new byte[8];
    Coding.putInt(b, 0, 0x04030201);
    assertEquals(1, b[0]);
    assertEquals(4, b[3]);
    Coding.putLong(b, 0, 0x0807060504030201L);
    assertEquals(8, b[7]);
    assertEquals(0x0807060504030201L, Coding.getLong(b, 0));
  }

  @Test
  void maskRoundTripsAndMatchesKnownCrc32c() {
    // CRC32C("123456789") is 0xE3069283 (RFC 3720 test vector).
    byte[] digits = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, Checksums.crc32c(digits, 0, digits.length));
    Random r = new Random(42);
    for (int i = 0; i < 1000; i++) {
      int crc = r.nextInt();
      assertEquals(crc, Checksums.unmask(Checksums.mask(crc)));
    }
  }

  @Test
  void internalOrderIsKeyAscendingThenSequenceDescending() {
    byte[] a = {1};
    byte[] b = {(byte) 0xff};
    assertEquals(-1, Integer.signum(KeyOrder.compareInternal(a, 5, b, 1)));
    assertEquals(-1, Integer.signum(KeyOrder.compareInternal(a, 9, a, 5)));
    assertEquals(0, KeyOrder.compareInternal(a, 5, a, 5));
    assertThrows(IllegalArgumentException.class, () -> KeyOrder.checkSequence(-1));
    assertThrows(
        IllegalArgumentException.class, () -> KeyOrder.checkSequence(KeyOrder.MAX_SEQUENCE + 1));
  }
}
