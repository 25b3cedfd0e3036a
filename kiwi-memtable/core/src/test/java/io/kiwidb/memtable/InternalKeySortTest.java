package io.kiwidb.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The radix sort gives the order a comparison sort on {@link KeyOrder#compareInternal} gives, for
 * the key shapes that exercise each of its paths: short keys and zero bytes (padding), long common
 * prefixes (recursion into later windows), many versions of one key (the final comparison sort),
 * and inputs below and above the radix threshold.
 */
@ExtendWith(SeededRandomExtension.class)
class InternalKeySortTest {
  private static void assertSortsLikeTheComparator(byte[][] keys, long[] seqs) {
    int n = keys.length;
    int[] expected =
        IntStream.range(0, n)
            .boxed()
            .sorted((a, b) -> KeyOrder.compareInternal(keys[a], seqs[a], keys[b], seqs[b]))
            .mapToInt(Integer::intValue)
            .toArray();
    assertArrayEquals(expected, InternalKeySort.order(keys, seqs, n), "order of " + n + " entries");
  }

  /** Keys from {@code shape}, sequence numbers ascending (arrival order, as recovery has them). */
  private static void check(SeededRandom random, int n, java.util.function.IntFunction<byte[]> k) {
    byte[][] keys = new byte[n][];
    long[] seqs = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = k.apply(i);
      seqs[i] = i + 1 + random.nextInt(2) * 1000L * n;
    }
    // Distinct sequences, not sorted: the sort must not rely on arrival order.
    assertSortsLikeTheComparator(keys, seqs);
  }

  @Test
  void randomKeysOfAnyLengthWithZeroBytes(SeededRandom random) {
    for (int n : new int[] {0, 1, 2, 17, 63, 64, 65, 500, 20_000}) {
      check(
          random,
          n,
          i -> {
            byte[] key = random.bytes(random.nextInt(20));
            if (random.nextInt(3) == 0 && key.length > 0) {
              Arrays.fill(key, random.nextInt(key.length), key.length, (byte) 0);
            }
            return key;
          });
    }
  }

  @Test
  void longCommonPrefixesAndKeysThatArePrefixesOfOthers(SeededRandom random) {
    byte[] common = "user:profile:2026/".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    check(
        random,
        10_000,
        i -> {
          byte[] tail = random.bytes(random.nextInt(10));
          byte[] key = Arrays.copyOf(common, common.length - random.nextInt(3) + tail.length);
          System.arraycopy(tail, 0, key, key.length - tail.length, tail.length);
          return key;
        });
  }

  @Test
  void manyVersionsOfFewKeys(SeededRandom random) {
    byte[][] few = {new byte[0], {0}, {0, 0}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {(byte) 0xff}};
    check(random, 5_000, i -> few[random.nextInt(few.length)]);
  }

  @Test
  void decimalKeysLikeTheBenchmarks(SeededRandom random) {
    check(
        random,
        30_000,
        i ->
            String.format("%016d", random.nextLong() & ((1L << 40) - 1))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
