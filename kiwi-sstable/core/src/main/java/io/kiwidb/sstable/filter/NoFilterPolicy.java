package io.kiwidb.sstable.filter;

import io.kiwidb.api.spi.FilterPolicy;

/**
 * {@code none}: no filtering. The encoding is empty and every key "may" be present, so lookups
 * always read the table's index and data blocks. Useful when keys are mostly present (filters would
 * cost space for nothing) and as a baseline in benchmarks.
 *
 * <p>Thread safety: stateless; the reader is a constant.
 */
public final class NoFilterPolicy implements FilterPolicy {
  private static final byte[] EMPTY = new byte[0];
  private static final Reader ALWAYS = key -> true;

  /** Creates the policy (ServiceLoader does this). */
  public NoFilterPolicy() {}

  @Override
  public String name() {
    return "none";
  }

  @Override
  public Builder builder(double falsePositiveRate) {
    HashingBuilder.checkRate(falsePositiveRate);
    return new Builder() {
      private int count;

      @Override
      public void add(byte[] key) {
        count++;
      }

      @Override
      public int count() {
        return count;
      }

      @Override
      public byte[] finish() {
        return EMPTY;
      }
    };
  }

  /** Accepts only the empty encoding: anything else was written by another policy or corrupted. */
  @Override
  public Reader reader(byte[] filter) {
    if (filter.length != 0) {
      throw new IllegalArgumentException(
          "a 'none' filter is empty, got " + filter.length + " bytes");
    }
    return ALWAYS;
  }

  /** Every absent key passes. */
  @Override
  public double expectedFalsePositiveRate(double target) {
    return 1.0;
  }
}
