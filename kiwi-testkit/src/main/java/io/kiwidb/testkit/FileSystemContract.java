package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link FileSystem} must have. An implementation's test extends this class and
 * supplies the file system and a root directory in it.
 */
public abstract class FileSystemContract {
  /** The file system under test. */
  protected FileSystem fs;

  /** An existing, empty directory in it. */
  protected Path root;

  /** Creates the contract (subclasses only). */
  protected FileSystemContract() {}

  /** The file system under test, fresh for each test. */
  protected abstract FileSystem newFileSystem() throws IOException;

  /** An existing, empty directory in {@code fs}, fresh for each test. */
  protected abstract Path newRoot(FileSystem fs) throws IOException;

  @BeforeEach
  final void setUpFileSystem() throws IOException {
    fs = newFileSystem();
    root = newRoot(fs);
  }

  /** Writes a whole file with the given text, synced. */
  protected static void write(FileSystem fs, Path file, String text) throws IOException {
    try (WritableFile f = fs.create(file)) {
      f.append(text.getBytes(StandardCharsets.UTF_8));
      f.sync();
    }
  }

  /** Reads a whole file as text. */
  protected static String read(FileSystem fs, Path file) throws IOException {
    try (ReadableFile f = fs.openRead(file)) {
      return new String(f.read(0, (int) f.size()), StandardCharsets.UTF_8);
    }
  }

  @Test
  void appendedBytesReadBackAtAnyPosition() throws IOException {
    Path file = root.resolve("a.log");
    try (WritableFile f = fs.create(file)) {
      f.append("hello ".getBytes(StandardCharsets.UTF_8));
      f.append(ByteBuffer.wrap("world".getBytes(StandardCharsets.UTF_8)));
      assertEquals(11, f.size());
      f.sync();
    }
    assertEquals(11, fs.size(file));
    try (ReadableFile r = fs.openRead(file)) {
      assertEquals(11, r.size());
      assertArrayEquals("world".getBytes(StandardCharsets.UTF_8), r.read(6, 5));
      assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), r.read(0, 5));
    }
  }

  @Test
  void readPastEndFailsWithEof() throws IOException {
    Path file = root.resolve("short");
    write(fs, file, "abc");
    try (ReadableFile r = fs.openRead(file)) {
      assertThrows(EOFException.class, () -> r.read(1, 3));
      assertThrows(EOFException.class, () -> r.read(4, 1));
    }
  }

  @Test
  void createReplacesAnExistingFile() throws IOException {
    Path file = root.resolve("f");
    write(fs, file, "first contents");
    write(fs, file, "2nd");
    assertEquals("2nd", read(fs, file));
  }

  @Test
  void missingFilesAreReportedAsNoSuchFile() throws IOException {
    Path missing = root.resolve("missing");
    assertFalse(fs.exists(missing));
    assertThrows(NoSuchFileException.class, () -> fs.openRead(missing));
    assertThrows(NoSuchFileException.class, () -> fs.delete(missing));
    assertThrows(NoSuchFileException.class, () -> fs.size(missing));
    assertThrows(NoSuchFileException.class, () -> fs.list(missing));
    assertThrows(NoSuchFileException.class, () -> fs.rename(missing, root.resolve("x")));
    assertThrows(NoSuchFileException.class, () -> fs.create(root.resolve("no/such/dir/f")));
    assertFalse(fs.deleteIfExists(missing));
  }

  @Test
  void renameReplacesTheTargetAndRemovesTheSource() throws IOException {
    Path a = root.resolve("a");
    Path b = root.resolve("b");
    write(fs, a, "new");
    write(fs, b, "old");
    fs.rename(a, b);
    assertFalse(fs.exists(a));
    assertEquals("new", read(fs, b));
  }

  @Test
  void deleteRemovesAFile() throws IOException {
    Path a = root.resolve("a");
    write(fs, a, "x");
    assertTrue(fs.exists(a));
    fs.delete(a);
    assertFalse(fs.exists(a));
    assertTrue(fs.deleteIfExists(root.resolve("b")) == false);
  }

  @Test
  void listIsSortedAndIncludesDirectories() throws IOException {
    write(fs, root.resolve("c"), "");
    write(fs, root.resolve("a"), "");
    fs.createDirectories(root.resolve("b/nested"));
    assertEquals(List.of(root.resolve("a"), root.resolve("b"), root.resolve("c")), fs.list(root));
    assertEquals(List.of(root.resolve("b/nested")), fs.list(root.resolve("b")));
  }

  @Test
  void createDirectoriesIsIdempotent() throws IOException {
    Path d = root.resolve("x/y/z");
    fs.createDirectories(d);
    fs.createDirectories(d);
    assertTrue(fs.exists(d));
    fs.syncDirectory(d);
    write(fs, d.resolve("f"), "in a deep dir");
    fs.syncDirectory(d);
    assertEquals("in a deep dir", read(fs, d.resolve("f")));
  }

  @Test
  void lockIsExclusiveUntilReleased() throws IOException {
    Path lockFile = root.resolve("LOCK");
    FileLock lock = fs.lock(lockFile);
    IOException e = assertThrows(IOException.class, () -> fs.lock(lockFile));
    assertTrue(e.getMessage().contains("locked"), e.getMessage());
    lock.close();
    lock.close(); // idempotent
    try (FileLock again = fs.lock(lockFile)) {
      assertEquals(lockFile, again.path());
    }
  }

  @Test
  void sharedLocksShareAndExcludeTheExclusiveOne() throws IOException {
    Path lockFile = root.resolve("LOCK");
    fs.lock(lockFile).close(); // creates the file
    FileLock a = fs.lockShared(lockFile);
    FileLock b = fs.lockShared(lockFile);
    IOException e = assertThrows(IOException.class, () -> fs.lock(lockFile));
    assertTrue(e.getMessage().contains("locked"), e.getMessage());
    a.close();
    assertThrows(IOException.class, () -> fs.lock(lockFile), "b still holds it");
    b.close();
    b.close(); // idempotent
    try (FileLock exclusive = fs.lock(lockFile)) {
      assertEquals(lockFile, exclusive.path());
      IOException shared = assertThrows(IOException.class, () -> fs.lockShared(lockFile));
      assertTrue(shared.getMessage().contains("locked"), shared.getMessage());
    }
  }

  @Test
  void aSharedLockNeverCreatesTheFile() {
    Path lockFile = root.resolve("NOLOCK");
    assertThrows(NoSuchFileException.class, () -> fs.lockShared(lockFile));
    assertFalse(fs.exists(lockFile));
  }

  @Test
  void aHardLinkIsASecondNameForTheSameBytes() throws IOException {
    Path a = root.resolve("a");
    Path b = root.resolve("b");
    write(fs, a, "shared bytes");
    fs.link(a, b);
    fs.syncDirectory(root);
    assertEquals("shared bytes", read(fs, b));
    assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> fs.link(a, b), "b exists");
    assertThrows(NoSuchFileException.class, () -> fs.link(root.resolve("none"), root.resolve("c")));
    fs.delete(a);
    assertEquals("shared bytes", read(fs, b), "deleting one name leaves the other");
  }

  @Test
  void anImmutableFileReadsAsOpenReadDoes() throws IOException {
    Path file = root.resolve("table");
    byte[] data = pattern(20_000);
    writeBytes(file, data);
    ReadableFile m = fs.openImmutable(file);
    try (ReadableFile r = fs.openRead(file)) {
      assertEquals(data.length, m.size());
      for (int pos = 0; pos < data.length; pos += 1237) {
        int len = Math.min(4096, data.length - pos);
        assertArrayEquals(r.read(pos, len), m.read(pos, len), "at " + pos);
        ByteBuffer bb = ByteBuffer.allocate(len + 7);
        bb.position(7);
        m.readFully(pos, bb);
        assertFalse(bb.hasRemaining());
        assertArrayEquals(
            java.util.Arrays.copyOfRange(data, pos, pos + len),
            java.util.Arrays.copyOfRange(bb.array(), 7, 7 + len));
      }
      EOFException e = assertThrows(EOFException.class, () -> m.read(data.length - 10, 11));
      assertTrue(e.getMessage().contains(String.valueOf(data.length)), e.getMessage());
      assertThrows(EOFException.class, () -> m.read(-1, 1));
      m.close();
      m.close(); // idempotent
      assertThrows(IOException.class, () -> m.read(0, 1), "a read after close fails");
    }
    assertThrows(NoSuchFileException.class, () -> fs.openImmutable(root.resolve("absent")));
  }

  @Test
  void closingAnImmutableFileWhileOthersReadItFailsTheirReadsCleanly() throws Exception {
    Path file = root.resolve("table");
    byte[] data = pattern(1 << 16);
    writeBytes(file, data);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      ReadableFile m = fs.openImmutable(file);
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int start = t * 1000;
        results.add(
            pool.submit(
                () -> {
                  // Read until close stops us: every read is right or fails with an IOException.
                  for (int i = 0; ; i++) {
                    int pos = (start + i * 97) % (data.length - 4096);
                    byte[] got;
                    try {
                      got = m.read(pos, 4096);
                    } catch (IOException closed) {
                      return "closed after " + i + " reads";
                    }
                    if (!java.util.Arrays.equals(got, 0, 4096, data, pos, pos + 4096)) {
                      return "wrong bytes at " + pos;
                    }
                  }
                }));
      }
      Thread.sleep(50);
      m.close();
      for (Future<String> f : results) {
        String outcome = f.get(30, TimeUnit.SECONDS);
        assertTrue(outcome.startsWith("closed after"), outcome);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void writeBytes(Path file, byte[] data) throws IOException {
    try (WritableFile f = fs.create(file)) {
      f.append(data);
      f.sync();
    }
  }

  private static byte[] pattern(int n) {
    byte[] data = new byte[n];
    for (int i = 0; i < n; i++) {
      data[i] = (byte) (i * 31 + (i >>> 8));
    }
    return data;
  }

  @Test
  void concurrentReadersSeeTheSameBytes() throws Exception {
    Path file = root.resolve("big");
    byte[] data = new byte[1 << 16];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    writeBytes(file, data);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (ReadableFile r = fs.openRead(file)) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t * 1000;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    int pos = (offset + i * 97) % (data.length - 512);
                    byte[] got = r.read(pos, 512);
                    for (int j = 0; j < 512; j++) {
                      if (got[j] != data[pos + j]) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
