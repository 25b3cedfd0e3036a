package io.kiwidb.sstable.manifest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Hears about table files the {@link VersionSet} deletes because no live version references them
 * any more. The table cache closes the file's reader and the block cache drops its blocks in {@link
 * #tableObsolete}, which runs before the file is deleted.
 *
 * <p>Thread safety: called on whichever thread released the last reference (or on the configured
 * deletion executor), possibly from several threads at once; implementations must be thread-safe
 * and quick, and must not call back into the {@link VersionSet}.
 */
public interface ObsoleteTableListener {
  /** A listener that does nothing. */
  ObsoleteTableListener NONE = (fileNumber, file) -> {};

  /** Table {@code fileNumber} left the last live version; {@code file} is deleted next. */
  void tableObsolete(long fileNumber, Path file);

  /**
   * Deleting an obsolete table failed. The file stays behind, harmless: no version references it,
   * and the next open deletes it as an orphan.
   */
  default void deleteFailed(long fileNumber, Path file, IOException cause) {}
}
