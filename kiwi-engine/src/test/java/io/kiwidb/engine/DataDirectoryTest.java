package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileLock;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.ForwardingFileSystem;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // resources held open for their scope only
class DataDirectoryTest {
  @TempDir Path tmp;

  @Test
  void createsTheRootAndSubdirectoriesDurably() throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    Path root = Path.of("/data/db1");
    try (DataDirectory d = DataDirectory.open(fs, root)) {
      assertEquals(root, d.root());
      assertEquals(root.resolve("wal"), d.walDir());
      assertEquals(root.resolve("config.json"), d.configFile());
      fs.crash();
      assertEquals(
          List.of(
              root.resolve("LOCK"), root.resolve("logs"), root.resolve("sst"), root.resolve("wal")),
          fs.list(root));
    }
  }

  @Test
  void aSecondEngineInThisJvmFailsNamingTheDirectory() {
    Path root = tmp.resolve("db");
    try (DataDirectory first = DataDirectory.open(FileSystems.local(), root)) {
      KiwiException e =
          assertThrows(KiwiException.class, () -> DataDirectory.open(FileSystems.local(), root));
      assertTrue(
          e.getMessage().startsWith("data directory " + root + " is in use by another kiwi-db"),
          e.getMessage());
      assertTrue(e.getMessage().contains("in this process"), e.getMessage());
    }
    // Released on close: the directory opens again.
    DataDirectory.open(FileSystems.local(), root).close();
  }

  @Test
  void relativeAndAbsoluteSpellingsAreTheSameDirectory() {
    Path root = tmp.resolve("db");
    try (DataDirectory first = DataDirectory.open(FileSystems.local(), root)) {
      Path other = root.resolve("wal/..");
      assertThrows(KiwiException.class, () -> DataDirectory.open(FileSystems.local(), other));
    }
  }

  @Test
  void closeIsIdempotent() {
    DataDirectory d = DataDirectory.open(new InMemoryFileSystem(), Path.of("/x"));
    d.close();
    d.close();
  }

  @Test
  void failureToCreateASubdirectoryReleasesTheLock() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    fs.failAt(Op.MKDIRS, 2, Fault.TRANSIENT); // the root succeeds, wal/ fails
    KiwiIOException e =
        assertThrows(KiwiIOException.class, () -> DataDirectory.open(fs, Path.of("/db")));
    assertTrue(e.getMessage().contains("create subdirectories of /db"), e.getMessage());
    DataDirectory.open(fs, Path.of("/db")).close();
  }

  @Test
  void anotherProcessHoldingTheLockMakesOpenFail() throws Exception {
    Path root = tmp.resolve("shared");
    Process child = startChild("hold", root);
    try (BufferedReader out = reader(child)) {
      assertEquals("LOCKED", out.readLine());
      KiwiException e =
          assertThrows(KiwiException.class, () -> DataDirectory.open(FileSystems.local(), root));
      assertTrue(
          e.getMessage().startsWith("data directory " + root + " is in use"), e.getMessage());
      assertTrue(e.getMessage().contains("another process"), e.getMessage());
      child.getOutputStream().close(); // the child releases and exits
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, child.exitValue());
    } finally {
      child.destroyForcibly();
    }
    DataDirectory.open(FileSystems.local(), root).close();
  }

  @Test
  void anotherProcessCannotOpenWhileWeHoldIt() throws Exception {
    Path root = tmp.resolve("ours");
    try (DataDirectory held = DataDirectory.open(FileSystems.local(), root)) {
      Process child = startChild("try", root);
      try (BufferedReader out = reader(child)) {
        String line = out.readLine();
        assertTrue(
            line != null && line.startsWith("FAILED: data directory " + root + " is in use"),
            String.valueOf(line));
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static BufferedReader reader(Process p) {
    return ChildJvm.stdout(p);
  }

  private static Process startChild(String mode, Path root) throws IOException {
    return ChildJvm.start(LockHolder.class, mode, root.toString());
  }

  /** A directory this process may not write to, as a non-root user meets it. */
  private static final class NotWritable extends ForwardingFileSystem {
    NotWritable(InMemoryFileSystem delegate) {
      super(delegate);
    }

    @Override
    public FileLock lock(Path file) throws IOException {
      throw new AccessDeniedException(file.toString());
    }

    @Override
    public Optional<String> accessProblem(Path path, AccessMode... modes) {
      return List.of(modes).contains(AccessMode.WRITE)
          ? Optional.of("no write permission on " + path + " for user app")
          : Optional.empty();
    }
  }

  @Test
  void aDirectoryThatIsNotWritableIsDiagnosedAsSuchNotAsInUse() throws IOException {
    InMemoryFileSystem mem = new InMemoryFileSystem();
    DataDirectory.open(mem, Path.of("/db")).close();
    KiwiException e =
        assertThrows(
            KiwiException.class, () -> DataDirectory.open(new NotWritable(mem), Path.of("/db")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "data directory /db is not writable (no write permission on /db for user app)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("--read-only"), e.getMessage());
    assertTrue(!e.getMessage().contains("in use"), e.getMessage());
  }

  @Test
  void aReadOnlyOpenSharesTheLockCreatesNothingAndExcludesAWriter() throws IOException {
    Path root = tmp.resolve("db");
    DataDirectory.open(FileSystems.local(), root).close();
    java.nio.file.Files.writeString(root.resolve("CURRENT"), "MANIFEST-000001\n");
    List<Path> before = FileSystems.local().list(root);
    try (DataDirectory a = DataDirectory.openReadOnly(FileSystems.local(), root);
        DataDirectory b = DataDirectory.openReadOnly(FileSystems.local(), root)) {
      assertTrue(a.isReadOnly() && b.isReadOnly());
      KiwiException e =
          assertThrows(KiwiException.class, () -> DataDirectory.open(FileSystems.local(), root));
      assertTrue(e.getMessage().contains("locked (shared) by a read-only engine"), e.getMessage());
    }
    assertEquals(before, FileSystems.local().list(root));
    try (DataDirectory writer = DataDirectory.open(FileSystems.local(), root)) {
      KiwiException e =
          assertThrows(
              KiwiException.class, () -> DataDirectory.openReadOnly(FileSystems.local(), root));
      assertTrue(e.getMessage().contains("is in use by a writing kiwi-db engine"), e.getMessage());
    }
  }

  @Test
  void aReadOnlyOpenOfAMissingOrEmptyDirectoryFailsAndCreatesNothing() throws IOException {
    Path missing = tmp.resolve("missing");
    KiwiException e =
        assertThrows(
            KiwiException.class, () -> DataDirectory.openReadOnly(FileSystems.local(), missing));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertTrue(!java.nio.file.Files.exists(missing));
    Path empty = java.nio.file.Files.createDirectory(tmp.resolve("empty"));
    e =
        assertThrows(
            KiwiException.class, () -> DataDirectory.openReadOnly(FileSystems.local(), empty));
    assertTrue(e.getMessage().contains("holds no kiwi-db store"), e.getMessage());
    assertEquals(List.of(), FileSystems.local().list(empty));
  }
}
