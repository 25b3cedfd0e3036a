package io.kiwidb.sstable.manifest;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The {@code CURRENT} file: the name of the live manifest and a newline, e.g. {@code
 * "MANIFEST-000007\n"}. It is replaced only by renaming a synced {@code CURRENT.tmp} over it and
 * syncing the directory, so after any crash it names either the old manifest or the new one, in
 * full. A damaged CURRENT (wrong shape, missing newline, a name that is not a manifest's) is
 * reported as corruption, never guessed around.
 *
 * <p>Thread safety: stateless.
 */
final class CurrentFile {
  /** Longer than any name this build writes; bounds what a damaged file makes us read. */
  private static final int MAX_BYTES = 64;

  private CurrentFile() {}

  /**
   * The manifest number CURRENT names, or -1 if there is no CURRENT.
   *
   * @throws CorruptionException naming CURRENT if its content is not a manifest name and a newline
   */
  static long read(FileSystem fs, Path dir) throws IOException {
    Path path = dir.resolve(FileNames.CURRENT);
    byte[] data;
    try (ReadableFile in = fs.openRead(path)) {
      long size = in.size();
      if (size > MAX_BYTES) {
        throw new CorruptionException(
            FileNames.CURRENT, 0, "is " + size + " bytes, not a manifest name");
      }
      data = in.read(0, (int) size);
    } catch (NoSuchFileException e) {
      return -1;
    }
    if (data.length == 0 || data[data.length - 1] != '\n') {
      throw new CorruptionException(
          FileNames.CURRENT,
          Math.max(0, data.length - 1),
          "does not end with a newline (truncated?): " + show(data));
    }
    String name = new String(data, 0, data.length - 1, StandardCharsets.US_ASCII);
    long number = FileNames.parseManifestFileName(name);
    for (byte b : data) {
      if (b < 0) {
        number = -1; // not ASCII: US_ASCII decoding would have hidden it
      }
    }
    if (number < 0) {
      throw new CorruptionException(
          FileNames.CURRENT, 0, "does not name a manifest: " + show(data));
    }
    return number;
  }

  /**
   * Points CURRENT at manifest {@code number}, durably (tmp file, sync, rename, directory sync).
   */
  static void write(FileSystem fs, Path dir, long number) throws IOException {
    Path tmp = dir.resolve(FileNames.CURRENT_TMP);
    byte[] content =
        (FileNames.manifestFileName(number) + "\n").getBytes(StandardCharsets.US_ASCII);
    try (WritableFile out = fs.create(tmp)) {
      out.append(content);
      out.sync();
    }
    fs.rename(tmp, dir.resolve(FileNames.CURRENT));
    fs.syncDirectory(dir);
  }

  private static String show(byte[] data) {
    StringBuilder s = new StringBuilder("\"");
    for (byte b : data) {
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        s.append((char) b);
      } else {
        s.append(String.format("\\x%02x", b & 0xff));
      }
    }
    return s.append('"').toString();
  }
}
