package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class FaultInjectingFileSystemTest extends CrashContract {
  private FaultInjectingFileSystem faulty;

  @Override
  protected FileSystem newFileSystem() {
    faulty = FaultInjectingFileSystem.inMemory();
    return faulty;
  }

  @Override
  protected Path newRoot(FileSystem fs) throws IOException {
    Path root = Path.of("/db");
    fs.createDirectories(root);
    return root;
  }

  @Override
  protected void crash() {
    faulty.crash();
  }

  @Test
  void transientFaultFailsOnlyTheNthOperation() throws IOException {
    Path f = root.resolve("f");
    faulty.failAt(Op.WRITE, 2, Fault.TRANSIENT);
    try (WritableFile w = faulty.create(f)) {
      w.append(new byte[] {1});
      IOException e = assertThrows(IOException.class, () -> w.append(new byte[] {2}));
      assertTrue(e.getMessage().contains("injected transient fault"), e.getMessage());
      w.append(new byte[] {3});
      assertEquals(2, w.size());
    }
    assertEquals(1, faulty.injectedFaults());
  }

  @Test
  void persistentFaultKeepsFailing() throws IOException {
    Path f = root.resolve("f");
    faulty.failAt(Op.SYNC, 1, Fault.PERSISTENT);
    try (WritableFile w = faulty.create(f)) {
      w.append(new byte[] {1});
      assertThrows(IOException.class, w::sync);
      assertThrows(IOException.class, w::sync);
      w.append(new byte[] {2}); // other kinds still work
    }
    faulty.heal();
    write(faulty, root.resolve("g"), "ok");
  }

  @Test
  void crashFaultKillsEveryLaterOperationUntilCrash() throws IOException {
    Path f = root.resolve("f");
    faulty.syncDirectory(root);
    faulty.failAt(EnumSet.of(Op.SYNC, Op.RENAME), 1, Fault.CRASH);
    WritableFile w = faulty.create(f);
    w.append(new byte[] {1, 2, 3});
    assertThrows(IOException.class, w::sync);
    assertTrue(faulty.isDead());
    assertThrows(IOException.class, () -> faulty.list(root));
    faulty.crash();
    assertFalse(faulty.isDead());
    assertFalse(faulty.exists(f), "the unsynced file must be gone after the crash");
  }

  @Test
  void fullDiskWritesWhatFitsThenFailsAndDeleteFreesSpace() throws IOException {
    Path f = root.resolve("f");
    faulty.setSpaceLeft(10);
    try (WritableFile w = faulty.create(f)) {
      w.append(new byte[6]);
      IOException e = assertThrows(IOException.class, () -> w.append(new byte[6]));
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertEquals(10, w.size());
    }
    assertEquals(0, faulty.spaceLeft());
    faulty.delete(f);
    assertEquals(10, faulty.spaceLeft());
  }

  @Test
  void countsOperationsByKind() throws IOException {
    write(faulty, root.resolve("a"), "x");
    write(faulty, root.resolve("b"), "y");
    faulty.rename(root.resolve("a"), root.resolve("c"));
    assertEquals(2, faulty.count(Op.CREATE));
    assertEquals(2, faulty.count(Op.SYNC));
    assertEquals(1, faulty.count(Op.RENAME));
    assertEquals(7, faulty.count(EnumSet.of(Op.CREATE, Op.WRITE, Op.SYNC, Op.RENAME)));
  }

  @Test
  void rejectsANonPositiveN() {
    assertThrows(IllegalArgumentException.class, () -> faulty.failAt(Op.WRITE, 0, Fault.CRASH));
  }
}
