package io.kiwidb.testkit;

import java.util.Random;

/**
 * A {@link Random} that knows its seed, injected by {@link SeededRandomExtension}.
 *
 * <p>Thread safety: as {@link Random} (thread-safe, but contended); give each thread its own {@code
 * new Random(random.nextLong())} in concurrent tests.
 */
public final class SeededRandom extends Random {
  private static final long serialVersionUID = 1L;

  private final long seed;

  /** Creates a random with a known seed. */
  public SeededRandom(long seed) {
    super(seed);
    this.seed = seed;
  }

  /** The seed this random started from. */
  public long seed() {
    return seed;
  }

  /** Random bytes of the given length. */
  public byte[] bytes(int length) {
    byte[] b = new byte[length];
    nextBytes(b);
    return b;
  }
}
