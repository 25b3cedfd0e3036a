package io.kiwidb.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link StorageEngine#checkpoint(Path)} made: an openable copy of the store as of one
 * sequence number.
 *
 * <p>Consistency: the checkpoint holds every write whose sequence number is at most {@link
 * #sequence()}, and no write above it. Every write acknowledged before {@code checkpoint} was
 * called is at or below it; no write that starts after {@code checkpoint} returned is. A write that
 * runs while the checkpoint is being taken is either in it, whole, or not at all (a batch is never
 * split).
 *
 * @param directory the checkpoint's directory (absolute)
 * @param sequence the sequence number the checkpoint was taken at; opening the checkpoint reports
 *     it as {@code stats().seq()}
 * @param tablesLinked table files hard-linked from the store (they share its disk blocks)
 * @param tablesCopied table files copied, because hard links were impossible (another file system,
 *     or a file system without links); see {@link #linkFailure()}
 * @param walSegments write-ahead log segments copied (they hold the writes not yet in tables)
 * @param bytesCopied bytes copied: log segments, copied tables, the manifest and the config
 * @param elapsed how long the checkpoint took
 * @param linkFailure why tables were copied instead of linked, when they were
 */
public record CheckpointInfo(
    Path directory,
    long sequence,
    int tablesLinked,
    int tablesCopied,
    int walSegments,
    long bytesCopied,
    Duration elapsed,
    Optional<String> linkFailure) {
  /** Validates the fields. */
  public CheckpointInfo {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(linkFailure, "linkFailure");
    if (sequence < 0
        || tablesLinked < 0
        || tablesCopied < 0
        || walSegments < 0
        || bytesCopied < 0) {
      throw new IllegalArgumentException("negative checkpoint figures");
    }
  }
}
