package io.kiwidb.sstable.manifest;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Settings of a {@link VersionSet}.
 *
 * @param levelCount levels including L0 (the engine passes {@code 1 + max_levels}); a manifest with
 *     files deeper than this still opens, with more levels
 * @param manifestRollBytes once the manifest reaches this size, the next edit starts a new one
 *     holding a snapshot of the whole state, so replay at open stays short
 * @param listener told about each table deleted as obsolete (to evict it from caches)
 * @param deletionExecutor runs the deletion of obsolete tables; {@code Runnable::run} deletes on
 *     the thread that released the last reference
 */
public record VersionSetOptions(
    int levelCount,
    long manifestRollBytes,
    ObsoleteTableListener listener,
    Executor deletionExecutor) {

  /** Levels by default: L0 plus the reference's {@code max_levels} of 3. */
  public static final int DEFAULT_LEVEL_COUNT = 4;

  /** Manifest size that triggers a roll by default. */
  public static final long DEFAULT_MANIFEST_ROLL_BYTES = 4L << 20;

  /** Validates every field, naming the bad one. */
  public VersionSetOptions {
    if (levelCount < 2 || levelCount > Version.MAX_LEVELS) {
      throw new IllegalArgumentException(
          "levelCount " + levelCount + " is outside [2, " + Version.MAX_LEVELS + "]");
    }
    if (manifestRollBytes < 1) {
      throw new IllegalArgumentException(
          "manifestRollBytes " + manifestRollBytes + " must be positive");
    }
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(deletionExecutor, "deletionExecutor");
  }

  /** The defaults: 4 levels, 4 MiB manifests, no listener, deletion on the releasing thread. */
  public static VersionSetOptions defaults() {
    return new VersionSetOptions(
        DEFAULT_LEVEL_COUNT,
        DEFAULT_MANIFEST_ROLL_BYTES,
        ObsoleteTableListener.NONE,
        Runnable::run);
  }

  /** With another level count. */
  public VersionSetOptions withLevelCount(int n) {
    return new VersionSetOptions(n, manifestRollBytes, listener, deletionExecutor);
  }

  /** With another roll size. */
  public VersionSetOptions withManifestRollBytes(long bytes) {
    return new VersionSetOptions(levelCount, bytes, listener, deletionExecutor);
  }

  /** With another listener. */
  public VersionSetOptions withListener(ObsoleteTableListener l) {
    return new VersionSetOptions(levelCount, manifestRollBytes, l, deletionExecutor);
  }

  /** With another deletion executor. */
  public VersionSetOptions withDeletionExecutor(Executor e) {
    return new VersionSetOptions(levelCount, manifestRollBytes, listener, e);
  }
}
