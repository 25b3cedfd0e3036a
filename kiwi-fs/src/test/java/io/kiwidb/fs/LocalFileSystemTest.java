package io.kiwidb.fs;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.testkit.FileSystemContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalFileSystemTest extends FileSystemContract {
  @TempDir Path tmp;

  @Override
  protected FileSystem newFileSystem() {
    return FileSystems.local();
  }

  @Override
  protected Path newRoot(FileSystem fs) {
    return tmp;
  }
}
