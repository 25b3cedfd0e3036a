package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.spi.FilterPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every real {@link FilterPolicy} must have: no false negatives for any key set, a
 * measured false-positive rate within 10% of {@link FilterPolicy#expectedFalsePositiveRate}, and
 * clean rejection of malformed encodings (an {@link IllegalArgumentException}, never an
 * out-of-bounds error or a huge allocation). An implementation's test extends this class.
 *
 * <p>Present keys start with byte 0 and absent probe keys with byte 1, so "absent" is certain.
 * Every randomised test prints its seed ({@link SeededRandomExtension}).
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class FilterPolicyContract {
  /** Keys in the false-positive measurement. */
  protected static final int FPR_KEYS = 100_000;

  /** Absent keys probed in the false-positive measurement. */
  protected static final int FPR_PROBES = 1_000_000;

  /** Creates the contract (subclasses only). */
  protected FilterPolicyContract() {}

  /** The policy under test. */
  protected abstract FilterPolicy policy();

  /**
   * Offset of the format-version byte in an encoded filter, so the contract can forge an unknown
   * version.
   */
  protected abstract int versionOffset();

  /** Length of the encoded header; every byte of it is flipped in {@link #flippedHeaderBytes}. */
  protected abstract int headerLength();

  /** A key that is certainly not among {@link #presentKey} keys. */
  protected static byte[] absentKey(SeededRandom random, int length) {
    byte[] k = random.bytes(Math.max(1, length));
    k[0] = 1;
    return k;
  }

  /** A random key of the "present" family (first byte 0), or the empty key for length 0. */
  protected static byte[] presentKey(SeededRandom random, int length) {
    byte[] k = random.bytes(length);
    if (length > 0) {
      k[0] = 0;
    }
    return k;
  }

  /** Builds a filter over {@code keys} at {@code rate}. */
  protected byte[] build(List<byte[]> keys, double rate) {
    FilterPolicy.Builder b = policy().builder(rate);
    for (byte[] k : keys) {
      b.add(k);
    }
    assertEquals(keys.size(), b.count(), "count() counts every key added, duplicates too");
    return b.finish();
  }

  private static List<byte[]> randomKeys(SeededRandom random, int n, int maxLength) {
    List<byte[]> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(presentKey(random, random.nextInt(maxLength + 1)));
    }
    return keys;
  }

  private void assertNoFalseNegatives(List<byte[]> keys, double rate) {
    FilterPolicy.Reader r = policy().reader(build(keys, rate));
    for (byte[] k : keys) {
      if (!r.mayContain(k)) {
        fail(
            "false negative at rate "
                + rate
                + " with "
                + keys.size()
                + " keys, key "
                + Arrays.toString(k));
      }
    }
  }

  @Test
  void noFalseNegativesForManySizes(SeededRandom random) {
    int[] sizes = {0, 1, 2, 3, 7, 63, 64, 65, 127, 128, 129, 500, 1000, 4096, 20_000};
    for (double rate : new double[] {0.5, 0.05, 0.01, 0.001}) {
      for (int n : sizes) {
        assertNoFalseNegatives(randomKeys(random, n, 24), rate);
      }
    }
  }

  @Test
  void noFalseNegativesForEmptyShortAndLongKeys(SeededRandom random) {
    List<byte[]> keys = new ArrayList<>();
    keys.add(new byte[0]);
    for (int len = 1; len <= 33; len++) {
      keys.add(presentKey(random, len));
    }
    keys.add(presentKey(random, 1000));
    keys.add(presentKey(random, 70_000));
    byte[] zeros = new byte[16]; // keys differing only by trailing zero bytes
    for (int len = 0; len <= zeros.length; len++) {
      keys.add(Arrays.copyOf(zeros, len));
    }
    assertNoFalseNegatives(keys, 0.01);
  }

  @Test
  void duplicatesAreHarmless(SeededRandom random) {
    List<byte[]> distinct = randomKeys(random, 2000, 16);
    List<byte[]> keys = new ArrayList<>(distinct);
    for (int i = 0; i < 5000; i++) {
      keys.add(distinct.get(random.nextInt(distinct.size())).clone());
    }
    byte[] same = presentKey(random, 8);
    for (int i = 0; i < 1000; i++) {
      keys.add(same);
    }
    assertNoFalseNegatives(keys, 0.01);
    assertNoFalseNegatives(List.of(same, same, same), 0.05);
  }

  @Test
  void anEmptyFilterContainsNothing(SeededRandom random) {
    FilterPolicy.Reader r = policy().reader(build(List.of(), 0.01));
    for (int i = 0; i < 1000; i++) {
      assertFalse(r.mayContain(presentKey(random, random.nextInt(20))));
    }
  }

  @Test
  void encodingIsDeterministic(SeededRandom random) {
    List<byte[]> keys = randomKeys(random, 3000, 20);
    assertArrayEquals(build(keys, 0.01), build(keys, 0.01), "same keys, same bytes");
  }

  @Test
  void expectedRateIsAtMostTheTarget() {
    for (double target : new double[] {0.5, 0.1, 0.05, 0.01, 0.001, 1e-4}) {
      double expected = policy().expectedFalsePositiveRate(target);
      assertTrue(
          expected > 0 && expected <= target * (1 + 1e-9),
          "expected rate " + expected + " for target " + target);
    }
  }

  @Test
  void measuredRateMatchesExpectedAtFivePercent(SeededRandom random) {
    assertMeasuredRate(random, 0.05);
  }

  @Test
  void measuredRateMatchesExpectedAtOnePercent(SeededRandom random) {
    assertMeasuredRate(random, 0.01);
  }

  /**
   * Measures the false-positive rate of a {@link #FPR_KEYS}-key filter over {@link #FPR_PROBES}
   * absent keys.
   */
  protected double measureRate(SeededRandom random, FilterPolicy policy, double target) {
    FilterPolicy.Builder b = policy.builder(target);
    for (int i = 0; i < FPR_KEYS; i++) {
      b.add(presentKey(random, 8 + random.nextInt(17)));
    }
    FilterPolicy.Reader r = policy.reader(b.finish());
    int hits = 0;
    byte[] probe = new byte[16];
    for (int i = 0; i < FPR_PROBES; i++) {
      random.nextBytes(probe);
      probe[0] = 1;
      if (r.mayContain(probe)) {
        hits++;
      }
    }
    return hits / (double) FPR_PROBES;
  }

  private void assertMeasuredRate(SeededRandom random, double target) {
    double expected = policy().expectedFalsePositiveRate(target);
    double measured = measureRate(random, policy(), target);
    System.out.printf(
        "[fpr] %s target=%.4f expected=%.5f measured=%.5f (seed %d)%n",
        policy().name(), target, expected, measured, random.seed());
    assertEquals(
        expected,
        measured,
        expected * 0.10,
        policy().name() + " measured rate at target " + target + " (seed " + random.seed() + ")");
  }

  /** Table-sized and beyond: 2 million keys, every one found, rate still as expected. */
  @Test
  @Tag("slow")
  void twoMillionKeys(SeededRandom random) {
    int n = 2_000_000;
    FilterPolicy.Builder b = policy().builder(0.01);
    long keySeed = random.nextLong();
    SeededRandom keys = new SeededRandom(keySeed);
    for (int i = 0; i < n; i++) {
      b.add(presentKey(keys, 16));
    }
    FilterPolicy.Reader r = policy().reader(b.finish());
    keys = new SeededRandom(keySeed);
    for (int i = 0; i < n; i++) {
      byte[] k = presentKey(keys, 16);
      if (!r.mayContain(k)) {
        fail("false negative for key #" + i + " of " + n);
      }
    }
    int hits = 0;
    for (int i = 0; i < FPR_PROBES; i++) {
      if (r.mayContain(absentKey(random, 16))) {
        hits++;
      }
    }
    double expected = policy().expectedFalsePositiveRate(0.01);
    assertEquals(expected, hits / (double) FPR_PROBES, expected * 0.10, "rate at 2M keys");
  }

  @Test
  void rejectsTargetsOutsideTheOpenUnitInterval() {
    for (double bad : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> policy().builder(bad));
      assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
    }
  }

  @Test
  void rejectsEveryTruncation(SeededRandom random) {
    for (int n : new int[] {1, 50, 300}) {
      byte[] filter = build(randomKeys(random, n, 12), 0.01);
      for (int len = 0; len < filter.length; len++) {
        byte[] cut = Arrays.copyOf(filter, len);
        assertThrows(
            IllegalArgumentException.class,
            () -> policy().reader(cut),
            "a filter of " + filter.length + " bytes truncated to " + len);
      }
      byte[] longer = Arrays.copyOf(filter, filter.length + 1);
      assertThrows(IllegalArgumentException.class, () -> policy().reader(longer), "trailing byte");
    }
  }

  @Test
  void rejectsAnUnknownVersion(SeededRandom random) {
    byte[] filter = build(randomKeys(random, 100, 12), 0.01);
    for (int version : new int[] {0, 2, 0x7F, 0xFF}) {
      byte[] forged = filter.clone();
      forged[versionOffset()] = (byte) version;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> policy().reader(forged));
      assertTrue(e.getMessage().contains("version"), e.getMessage());
    }
  }

  /**
   * A flipped header byte is either rejected, or (for fields a header cannot check, like the hash
   * seed) gives a reader that answers without throwing. The table's block checksum catches the
   * rest.
   */
  @Test
  void flippedHeaderBytes(SeededRandom random) {
    List<byte[]> keys = randomKeys(random, 200, 12);
    byte[] filter = build(keys, 0.01);
    for (int i = 0; i < headerLength(); i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] bad = filter.clone();
        bad[i] ^= (byte) mask;
        assertRejectedOrHarmless(bad, keys, "header byte " + i + " ^ " + mask);
      }
    }
  }

  /** Random bytes of many lengths, and random bytes behind a valid header. */
  @Test
  void garbageIsRejectedOrHarmless(SeededRandom random) {
    List<byte[]> keys = randomKeys(random, 50, 12);
    byte[] valid = build(keys, 0.01);
    for (int i = 0; i < 2000; i++) {
      byte[] garbage = random.bytes(random.nextInt(300));
      if (garbage.length >= headerLength() && random.nextBoolean()) {
        System.arraycopy(valid, 0, garbage, 0, headerLength());
      }
      assertRejectedOrHarmless(garbage, keys, "garbage #" + i);
    }
  }

  private void assertRejectedOrHarmless(byte[] bad, List<byte[]> keys, String what) {
    FilterPolicy.Reader r;
    try {
      r = policy().reader(bad);
    } catch (IllegalArgumentException expected) {
      return;
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new AssertionError(what + ": reader threw " + e + " instead of IAE", e);
    }
    try {
      for (byte[] k : keys) {
        r.mayContain(k);
      }
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": accepted, then mayContain threw " + e, e);
    }
  }

  @Test
  void builderCannotBeReused(SeededRandom random) {
    FilterPolicy.Builder b = policy().builder(0.01);
    b.add(presentKey(random, 4));
    b.finish();
    assertThrows(IllegalStateException.class, () -> b.add(presentKey(random, 4)));
  }

  @Test
  void readersAreSafeToShareAcrossThreads(SeededRandom random) throws Exception {
    List<byte[]> keys = randomKeys(random, 5000, 16);
    FilterPolicy.Reader r = policy().reader(build(keys, 0.01));
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int round = 0; round < 5; round++) {
                  for (byte[] k : keys) {
                    if (!r.mayContain(k)) {
                      failures.add(new AssertionError("false negative under concurrency"));
                      return;
                    }
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertTrue(failures.isEmpty(), failures.toString());
  }
}
