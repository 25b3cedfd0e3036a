package io.kiwidb.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.ReadableFile;
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
    ReadableFile f = FileSystems.local().openImmutable(file);
    assertInstanceOf(MappedReadableFile.class, f);
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 4000, 8096), f.read(4000, 4096));
    f.close();
    assertThrows(ClosedChannelException.class, () -> f.read(0, 1));
    // Released, not merely forgotten: the file can be deleted and its name reused at once.
    Files.delete(file);
    Files.write(file, new byte[] {7});
    try (ReadableFile again = FileSystems.local().openImmutable(file)) {
      assertArrayEquals(new byte[] {7}, again.read(0, 1));
    }
  }

  @Test
  void aFileTruncatedWhileMappedGivesAnIoErrorNotACrash() throws IOException {
    Path file = tmp.resolve("t.sst");
    Files.write(file, new byte[1 << 16]);
    try (ReadableFile f = FileSystems.local().openImmutable(file)) {
      // Someone else cuts the table: its pages are gone, and touching them raises SIGBUS.
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(0);
      }
      Throwable seen = null;
      try {
        for (int i = 0; i < 1000; i++) {
          f.read(32768, 4096);
        }
      } catch (IOException | InternalError e) {
        seen = e;
      }
      if (Runtime.version().feature() >= 22) {
        // Arena mappings report the fault precisely, at the access: an I/O error naming the read.
        assertInstanceOf(IOException.class, seen);
        assertTrue(seen.getMessage().contains("faulted"), seen.getMessage());
      } else {
        // JDK 17-21 deliver the fault of compiled code asynchronously, a few instructions later,
        // possibly past the catch in readFully: the InternalError itself then reaches the caller.
        // Either way the JVM lives and the read does not return wrong bytes.
        assertTrue(seen instanceof IOException || seen instanceof InternalError, "" + seen);
      }
    }
  }

  @Test
  void anEmptyFileMapsAndReportsEveryReadAsPastTheEnd() throws IOException {
    Path file = tmp.resolve("empty.sst"); // a table truncated to nothing
    Files.write(file, new byte[0]);
    try (ReadableFile f = FileSystems.local().openImmutable(file)) {
      assertEquals(0, f.size());
      java.io.EOFException e = assertThrows(java.io.EOFException.class, () -> f.read(0, 1));
      assertTrue(e.getMessage().contains("passes the end of the file (0 bytes)"), e.getMessage());
    }
  }
}
