package io.kiwidb.api.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file system maps immutable files on the JDKs we build for (17 through 25, each by its
 * own way of releasing the mapping) and releases the mapping on close; the read contract itself is
 * in kiwi-testkit's FileSystemContract.
 */
class MappedReadableFileTest {
  @TempDir Path tmp;

  @Test
  void tablesAreMappedOnThisJdk() throws IOException {
    assertTrue(
        MappedReadableFile.available(), "no way to release a mapping on " + Runtime.version());
    Path file = tmp.resolve("t.sst");
    byte[] data = new byte[10_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    Files.write(file, data);
    ReadableFile f = FileSystem.local().openImmutable(file);
    assertInstanceOf(MappedReadableFile.class, f);
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 4000, 8096), f.read(4000, 4096));
    f.close();
    assertThrows(ClosedChannelException.class, () -> f.read(0, 1));
    // Released, not merely forgotten: the file can be deleted and its name reused at once.
    Files.delete(file);
    Files.write(file, new byte[] {7});
    try (ReadableFile again = FileSystem.local().openImmutable(file)) {
      assertArrayEquals(new byte[] {7}, again.read(0, 1));
    }
  }
}
