package io.kiwidb.engine;

import io.kiwidb.api.spi.FileSystem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

/** Removing a file or a directory tree through a {@link FileSystem}. Stateless. */
final class FileTrees {
  private FileTrees() {}

  /** Deletes {@code p} and, if it is a directory, everything under it; absent is fine. */
  static void remove(FileSystem fs, Path p) throws IOException {
    List<Path> children;
    try {
      children = fs.list(p);
    } catch (NotDirectoryException e) {
      fs.deleteIfExists(p);
      return;
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path c : children) {
      remove(fs, c);
    }
    fs.deleteIfExists(p);
  }
}
