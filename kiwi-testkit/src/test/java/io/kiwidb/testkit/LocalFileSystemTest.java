package io.kiwidb.testkit;

import io.kiwidb.api.spi.FileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalFileSystemTest extends FileSystemContract {
  @TempDir Path tmp;

  @Override
  protected FileSystem newFileSystem() {
    return FileSystem.local();
  }

  @Override
  protected Path newRoot(FileSystem fs) {
    return tmp;
  }
}
