package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.NamedProviders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every {@link Compressor} must have: exact round trips of any slice (empty,
 * incompressible, repetitive, at any offset), a stable one-byte id and a name ServiceLoader finds,
 * rejection of a wrong expected length and of malformed input with an {@link
 * IllegalArgumentException} (never an out-of-bounds error, a wrong-length result or a huge
 * allocation), and safe use from many threads at once. An implementation's test extends this class.
 *
 * <p>Every randomised test prints its seed ({@link SeededRandomExtension}).
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class CompressorContract {
  /** Creates the contract (subclasses only). */
  protected CompressorContract() {}

  /** A fresh instance of the compressor under test. */
  protected abstract Compressor compressor();

  /** Random bytes, a repeating pattern, or a mix: the three shapes a block takes. */
  private static byte[] sample(SeededRandom random, int len) {
    byte[] b = new byte[len];
    switch (random.nextInt(3)) {
      case 0 -> random.nextBytes(b);
      case 1 -> {
        for (int i = 0; i < len; i++) {
          b[i] = (byte) ('a' + (i / 7) % 5);
        }
      }
      default -> {
        random.nextBytes(b);
        for (int i = 0; i + 1 < len; i += 2) {
          b[i] = 'k';
        }
      }
    }
    return b;
  }

  private static byte[] roundTrip(Compressor c, byte[] src, int off, int len) {
    byte[] packed = c.compress(src, off, len);
    return c.decompress(packed, 0, packed.length, len);
  }

  @Test
  void isInstalledUnderItsNameWithAByteId() {
    Compressor c = compressor();
    assertFalse(c.name().isBlank(), "name");
    assertTrue(c.id() >= 0 && c.id() <= 255, "id " + c.id() + " is not a byte");
    Compressor installed = NamedProviders.all(Compressor.class).get(c.name());
    assertEquals(c.getClass(), installed == null ? null : installed.getClass(), "ServiceLoader");
    assertEquals(c.id(), installed.id());
  }

  @Test
  void roundTripsSlicesOfEveryShape(SeededRandom random) {
    Compressor c = compressor();
    for (int i = 0; i < 300; i++) {
      int len = random.nextInt(4) == 0 ? random.nextInt(16) : random.nextInt(40_000);
      int off = random.nextInt(9);
      byte[] src = sample(random, off + len + random.nextInt(9));
      assertArrayEquals(
          Arrays.copyOfRange(src, off, off + len), roundTrip(c, src, off, len), "len " + len);
    }
  }

  @Test
  void roundTripsEmptyInput() {
    Compressor c = compressor();
    assertArrayEquals(new byte[0], roundTrip(c, new byte[0], 0, 0));
    assertArrayEquals(new byte[0], roundTrip(c, new byte[] {1, 2, 3}, 3, 0));
  }

  @Test
  void decompressingFromAnOffsetReadsOnlyTheSlice(SeededRandom random) {
    Compressor c = compressor();
    byte[] src = sample(random, 5000);
    byte[] packed = c.compress(src, 0, src.length);
    byte[] framed = new byte[packed.length + 20];
    random.nextBytes(framed);
    System.arraycopy(packed, 0, framed, 7, packed.length);
    assertArrayEquals(src, c.decompress(framed, 7, packed.length, src.length));
  }

  @Test
  void wrongExpectedLengthIsRejected(SeededRandom random) {
    Compressor c = compressor();
    byte[] src = sample(random, 3000);
    byte[] packed = c.compress(src, 0, src.length);
    for (int wrong : new int[] {0, 1, src.length - 1, src.length + 1, src.length * 4}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> c.decompress(packed, 0, packed.length, wrong),
          "expected length " + wrong + " for " + src.length + " bytes");
    }
  }

  @Test
  void malformedInputIsRejectedOrDecodesToTheStatedLength(SeededRandom random) {
    Compressor c = compressor();
    byte[] src = sample(random, 2000);
    byte[] packed = c.compress(src, 0, src.length);
    for (int i = 0; i < 2000; i++) {
      byte[] junk;
      if (i % 2 == 0) {
        junk = random.bytes(1 + random.nextInt(128));
      } else {
        junk = packed.clone();
        junk[random.nextInt(junk.length)] ^= (byte) (1 + random.nextInt(255));
      }
      int stated = i % 2 == 0 ? random.nextInt(4096) : src.length;
      try {
        byte[] out = c.decompress(junk, 0, junk.length, stated);
        assertEquals(stated, out.length, "a decode must honour the stated length");
      } catch (IllegalArgumentException expected) {
        // rejected cleanly; a checksum above the codec catches flips that still decode
      }
    }
  }

  @Test
  void truncatedInputIsRejected(SeededRandom random) {
    Compressor c = compressor();
    byte[] src = sample(random, 4000);
    byte[] packed = c.compress(src, 0, src.length);
    for (int cut = 0; cut < packed.length; cut += 1 + packed.length / 64) {
      int len = cut;
      assertThrows(
          IllegalArgumentException.class,
          () -> c.decompress(packed, 0, len, src.length),
          "cut to " + len + " of " + packed.length);
    }
  }

  @Test
  void oneInstanceServesManyThreads(SeededRandom random) throws Exception {
    Compressor c = compressor();
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      inputs.add(sample(random, random.nextInt(8192)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 50; round++) {
                    for (byte[] in : inputs) {
                      assertArrayEquals(in, roundTrip(c, in, 0, in.length));
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
