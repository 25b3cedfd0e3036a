package io.kiwidb.testkit;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for randomised tests. Every randomised test takes its seed from here, prints it, and can be
 * replayed by passing the same seed: {@code ./mvnw test -Dkiwi.test.seed=12345}.
 *
 * <p>Prefer {@link SeededRandomExtension}, which also adds the seed to the failure message.
 */
public final class Seeds {
  /** The system property that fixes the seed of every randomised test. */
  public static final String PROPERTY = "kiwi.test.seed";

  private Seeds() {}

  /**
   * The seed for a test: {@code -Dkiwi.test.seed} when set, otherwise a fresh random one. It is
   * printed with the test's name.
   */
  public static long seedFor(String testName) {
    String fixed = System.getProperty(PROPERTY, "").trim();
    long seed = fixed.isEmpty() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(fixed);
    System.out.println(
        "[seed] " + testName + ": " + seed + " (replay: -D" + PROPERTY + "=" + seed + ")");
    return seed;
  }

  /** A {@link Random} for a test, seeded and printed by {@link #seedFor}. */
  public static Random random(String testName) {
    return new Random(seedFor(testName));
  }

  /** A {@link SplittableRandom} for a test, seeded and printed by {@link #seedFor}. */
  public static SplittableRandom splittable(String testName) {
    return new SplittableRandom(seedFor(testName));
  }
}
