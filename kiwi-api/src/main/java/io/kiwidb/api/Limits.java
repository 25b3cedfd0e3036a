package io.kiwidb.api;

/**
 * Size limits on keys, values and batches, enforced on every write with an {@link
 * IllegalArgumentException} that names the limit and the size given.
 *
 * <p>The limits keep every encoded WAL record and table entry addressable with 32-bit lengths and
 * bound the memory one call can pin. They are part of the API: raising one is a compatible change,
 * lowering one is not.
 */
public final class Limits {
  /** The largest key, in bytes (64 KiB - 1). Keys must also be non-empty. */
  public static final int MAX_KEY_BYTES = 65_535;

  /** The largest value, in bytes (16 MiB). An empty value is allowed. */
  public static final int MAX_VALUE_BYTES = 16 << 20;

  /** The largest write batch, in encoded bytes (256 MiB). */
  public static final long MAX_BATCH_BYTES = 256L << 20;

  private Limits() {}

  /**
   * Checks a key.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if it is empty or longer than {@link #MAX_KEY_BYTES}
   */
  public static byte[] checkKey(byte[] key) {
    if (key == null) {
      throw new NullPointerException("key is null");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException(
          "key is empty: keys must be 1 to " + MAX_KEY_BYTES + " bytes");
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key is " + key.length + " bytes: the limit is " + MAX_KEY_BYTES + " bytes");
    }
    return key;
  }

  /**
   * Checks a value.
   *
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if it is longer than {@link #MAX_VALUE_BYTES}
   */
  public static byte[] checkValue(byte[] value) {
    if (value == null) {
      throw new NullPointerException("value is null (use delete to remove a key)");
    }
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "value is " + value.length + " bytes: the limit is " + MAX_VALUE_BYTES + " bytes");
    }
    return value;
  }
}
