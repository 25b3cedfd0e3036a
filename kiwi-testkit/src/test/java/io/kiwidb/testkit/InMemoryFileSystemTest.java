package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InMemoryFileSystemTest extends CrashContract {
  private InMemoryFileSystem mem;

  @Override
  protected FileSystem newFileSystem() {
    mem = new InMemoryFileSystem();
    return mem;
  }

  @Override
  protected Path newRoot(FileSystem fs) throws IOException {
    Path root = Path.of("/db");
    fs.createDirectories(root);
    return root;
  }

  @Override
  protected void crash() {
    mem.crash();
  }

  @Test
  void overwriteReplacesContentsDurably() throws IOException {
    Path f = root.resolve("t");
    try (WritableFile w = fs.create(f)) {
      w.append(new byte[] {1, 2, 3});
    }
    fs.syncDirectory(root);
    mem.overwrite(f, new byte[] {9, 9});
    mem.crash();
    assertArrayEquals(new byte[] {9, 9}, mem.contents(f));
    assertEquals(1, mem.crashCount());
  }
}
