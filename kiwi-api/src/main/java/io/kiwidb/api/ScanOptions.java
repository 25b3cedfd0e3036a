package io.kiwidb.api;

import java.util.Arrays;

/**
 * What an iterator covers: an optional inclusive lower bound, an optional exclusive upper bound, an
 * optional key prefix, and an optional snapshot to read at (otherwise the latest state when the
 * iterator is created). Immutable; each {@code with*} method returns a new instance.
 *
 * @param lowerBound the smallest key returned (inclusive), or {@code null} for none
 * @param upperBound the first key not returned (exclusive), or {@code null} for none
 * @param prefix only keys that start with these bytes, or {@code null} for all keys
 * @param snapshot the snapshot to read at, or {@code null} for the latest state
 */
public record ScanOptions(byte[] lowerBound, byte[] upperBound, byte[] prefix, Snapshot snapshot) {
  private static final ScanOptions ALL = new ScanOptions(null, null, null, null);

  /** Copies the arrays, so later changes to the caller's arrays do not leak in. */
  public ScanOptions {
    lowerBound = lowerBound == null ? null : lowerBound.clone();
    upperBound = upperBound == null ? null : upperBound.clone();
    prefix = prefix == null ? null : prefix.clone();
  }

  /** Every key, at the latest state. */
  public static ScanOptions all() {
    return ALL;
  }

  /** Keys starting with {@code prefix}. */
  public static ScanOptions prefix(byte[] prefix) {
    return ALL.withPrefix(prefix);
  }

  /** Keys in {@code [lower, upper)}; either may be {@code null} for unbounded. */
  public static ScanOptions range(byte[] lower, byte[] upper) {
    return new ScanOptions(lower, upper, null, null);
  }

  /** This scan with an inclusive lower bound. */
  public ScanOptions withLowerBound(byte[] key) {
    return new ScanOptions(key, upperBound, prefix, snapshot);
  }

  /** This scan with an exclusive upper bound. */
  public ScanOptions withUpperBound(byte[] key) {
    return new ScanOptions(lowerBound, key, prefix, snapshot);
  }

  /** This scan restricted to a prefix. */
  public ScanOptions withPrefix(byte[] p) {
    return new ScanOptions(lowerBound, upperBound, p, snapshot);
  }

  /** This scan read at a snapshot. */
  public ScanOptions withSnapshot(Snapshot s) {
    return new ScanOptions(lowerBound, upperBound, prefix, s);
  }

  @Override
  public byte[] lowerBound() {
    return lowerBound == null ? null : lowerBound.clone();
  }

  @Override
  public byte[] upperBound() {
    return upperBound == null ? null : upperBound.clone();
  }

  @Override
  public byte[] prefix() {
    return prefix == null ? null : prefix.clone();
  }

  /** Whether {@code key} lies within the bounds and prefix of this scan. */
  public boolean contains(byte[] key) {
    if (lowerBound != null && Arrays.compareUnsigned(key, lowerBound) < 0) {
      return false;
    }
    if (upperBound != null && Arrays.compareUnsigned(key, upperBound) >= 0) {
      return false;
    }
    return prefix == null
        || (key.length >= prefix.length
            && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanOptions other
        && Arrays.equals(lowerBound, other.lowerBound)
        && Arrays.equals(upperBound, other.upperBound)
        && Arrays.equals(prefix, other.prefix)
        && snapshot == other.snapshot;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(lowerBound) * 31 * 31
        + Arrays.hashCode(upperBound) * 31
        + Arrays.hashCode(prefix);
  }

  @Override
  public String toString() {
    return "ScanOptions[lower="
        + Arrays.toString(lowerBound)
        + ", upper="
        + Arrays.toString(upperBound)
        + ", prefix="
        + Arrays.toString(prefix)
        + ", snapshot="
        + (snapshot == null ? "latest" : snapshot.sequence())
        + "]";
  }
}
