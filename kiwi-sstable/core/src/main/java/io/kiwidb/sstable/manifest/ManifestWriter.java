package io.kiwidb.sstable.manifest;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Appends framed records to a new manifest. The caller syncs: an edit is acknowledged only after
 * {@link #sync()} returns.
 *
 * <p>Thread safety: none; {@link VersionSet} serialises all use under its apply lock.
 */
final class ManifestWriter implements AutoCloseable {
  private final WritableFile file;
  private final long number;

  private ManifestWriter(WritableFile file, long number) {
    this.file = file;
    this.number = number;
  }

  /** Creates (or replaces) manifest {@code number} in {@code dir} and writes its header. */
  static ManifestWriter create(FileSystem fs, Path dir, long number) throws IOException {
    WritableFile file = fs.create(dir.resolve(FileNames.manifestFileName(number)));
    try {
      file.append(ManifestFormat.header(number));
      return new ManifestWriter(file, number);
    } catch (IOException | RuntimeException e) {
      closeQuietly(file, e);
      throw e;
    }
  }

  /** Appends one record (not yet durable). */
  void append(byte[] payload) throws IOException {
    if (payload.length > ManifestFormat.MAX_RECORD_BYTES) {
      throw new IllegalArgumentException(
          "manifest record of "
              + payload.length
              + " bytes exceeds the limit of "
              + ManifestFormat.MAX_RECORD_BYTES);
    }
    file.append(ManifestFormat.frame(payload));
  }

  /** Makes every appended record durable. */
  void sync() throws IOException {
    file.sync();
  }

  /** Bytes written so far, header included. */
  long size() {
    return file.size();
  }

  long number() {
    return number;
  }

  Path path() {
    return file.path();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  static void closeQuietly(AutoCloseable c, Throwable primary) {
    try {
      c.close();
    } catch (Exception e) {
      primary.addSuppressed(e);
    }
  }
}
