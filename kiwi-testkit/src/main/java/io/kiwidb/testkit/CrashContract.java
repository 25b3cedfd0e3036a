package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a file system that simulates power loss must do on {@link #crash()}: keep exactly what was
 * made durable (synced bytes, directory entries synced in their parent) and drop the rest.
 */
public abstract class CrashContract extends FileSystemContract {
  /** Creates the contract (subclasses only). */
  protected CrashContract() {}

  /** Simulates a power loss on {@link #fs}. */
  protected abstract void crash();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void crashDropsUnsyncedBytesAndKeepsSyncedOnes() throws IOException {
    Path f = root.resolve("wal");
    try (WritableFile w = fs.create(f)) {
      fs.syncDirectory(root);
      w.append(utf8("durable "));
      w.sync();
      w.append(utf8("volatile"));
      crash();
    }
    assertEquals("durable ", read(fs, f));
  }

  @Test
  void crashDropsAFileWhoseDirectoryEntryWasNeverSynced() throws IOException {
    Path f = root.resolve("new-table");
    write(fs, f, "synced data, unsynced name");
    crash();
    assertFalse(fs.exists(f));
  }

  @Test
  void crashUndoesAnUnsyncedRenameAndDelete() throws IOException {
    Path a = root.resolve("a");
    Path b = root.resolve("b");
    Path c = root.resolve("c");
    write(fs, a, "A");
    write(fs, c, "C");
    fs.syncDirectory(root);
    fs.rename(a, b);
    fs.delete(c);
    crash();
    assertEquals("A", read(fs, a));
    assertFalse(fs.exists(b));
    assertEquals("C", read(fs, c));
  }

  @Test
  void syncedRenameSurvivesACrash() throws IOException {
    Path tmp = root.resolve("CURRENT.tmp");
    Path current = root.resolve("CURRENT");
    write(fs, current, "MANIFEST-1");
    fs.syncDirectory(root);
    write(fs, tmp, "MANIFEST-2");
    fs.rename(tmp, current);
    fs.syncDirectory(root);
    crash();
    assertEquals("MANIFEST-2", read(fs, current));
    assertFalse(fs.exists(tmp));
  }

  @Test
  void handlesOpenedBeforeACrashAreStale() throws IOException {
    Path f = root.resolve("f");
    WritableFile w = fs.create(f);
    fs.syncDirectory(root);
    w.append(utf8("x"));
    w.sync();
    ReadableFile r = fs.openRead(f);
    crash();
    assertThrows(IOException.class, () -> w.append(utf8("y")));
    assertThrows(IOException.class, () -> r.read(0, 1));
    assertTrue(fs.exists(f));
  }

  @Test
  void locksAreReleasedByACrash() throws IOException {
    Path lockFile = root.resolve("LOCK");
    fs.lock(lockFile);
    crash();
    fs.lock(lockFile).close();
  }
}
