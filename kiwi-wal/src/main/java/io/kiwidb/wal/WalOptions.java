package io.kiwidb.wal;

import java.util.Objects;

/**
 * Settings of a {@link WriteAheadLog}.
 *
 * @param syncMode when appends are acknowledged; changeable later with {@link
 *     WriteAheadLog#setSyncMode}
 * @param maxGroupBytes the most payload bytes one commit group gathers (the leader's own batch is
 *     always taken, however large)
 * @param maxGroupBatches the most batches one commit group gathers
 */
public record WalOptions(SyncMode syncMode, int maxGroupBytes, int maxGroupBatches) {
  /** 1 MiB: large enough to amortise an fsync over hundreds of small batches. */
  public static final int DEFAULT_MAX_GROUP_BYTES = 1 << 20;

  /** 1024 batches per group. */
  public static final int DEFAULT_MAX_GROUP_BATCHES = 1024;

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the bad field and value
   */
  public WalOptions {
    Objects.requireNonNull(syncMode, "syncMode");
    if (maxGroupBytes < 1) {
      throw new IllegalArgumentException("maxGroupBytes must be >= 1, was " + maxGroupBytes);
    }
    if (maxGroupBatches < 1) {
      throw new IllegalArgumentException("maxGroupBatches must be >= 1, was " + maxGroupBatches);
    }
  }

  /** The defaults: {@link SyncMode#ALWAYS}, 1 MiB and 1024 batches per group. */
  public static WalOptions defaults() {
    return new WalOptions(SyncMode.ALWAYS, DEFAULT_MAX_GROUP_BYTES, DEFAULT_MAX_GROUP_BATCHES);
  }

  /** These options with another sync mode. */
  public WalOptions withSyncMode(SyncMode mode) {
    return new WalOptions(mode, maxGroupBytes, maxGroupBatches);
  }

  /** These options with other group limits. */
  public WalOptions withGroupLimits(int bytes, int batches) {
    return new WalOptions(syncMode, bytes, batches);
  }
}
