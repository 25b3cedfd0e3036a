package io.kiwidb.api.spi;

/**
 * A probabilistic set of keys stored with each table, so lookups skip tables that cannot hold a
 * key. Config key {@code filter_policy} picks one by {@link #name()}; the name is recorded in each
 * table so the right reader is used after a config change.
 *
 * <p>A filter never answers "no" for a key that was added (no false negatives). It answers "maybe"
 * for absent keys at roughly the target false-positive rate.
 *
 * <p>Thread safety: policies are stateless. Builders are for one thread; readers built by {@link
 * #reader} are immutable and safe to share.
 */
public interface FilterPolicy extends NamedProvider {
  /**
   * Starts a filter.
   *
   * @param falsePositiveRate the target rate, in (0, 1): {@code bloom_fpr_prod} or {@code
   *     bloom_fpr_dev} from config
   */
  Builder builder(double falsePositiveRate);

  /**
   * Reads a filter written by this policy's {@link Builder#finish()}.
   *
   * @throws IllegalArgumentException if the bytes are not a valid filter of this policy (callers
   *     turn it into a corruption error naming the file)
   */
  Reader reader(byte[] filter);

  /**
   * The false-positive rate this policy really delivers for a target, where its geometry rounds
   * (the contract test measures against this). Defaults to the target.
   */
  default double expectedFalsePositiveRate(double target) {
    return target;
  }

  /** Accumulates keys, then encodes the filter. */
  interface Builder {
    /** Adds a key. Duplicates are allowed. */
    void add(byte[] key);

    /** The number of keys added (duplicates counted). */
    int count();

    /** Encodes the filter over every key added. The builder must not be used afterwards. */
    byte[] finish();
  }

  /** A decoded filter. */
  interface Reader {
    /** False if {@code key} was certainly not added; true if it may have been. */
    boolean mayContain(byte[] key);
  }
}
