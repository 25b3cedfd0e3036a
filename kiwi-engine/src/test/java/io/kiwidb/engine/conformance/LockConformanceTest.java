package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiException;
import io.kiwidb.engine.ChildJvm;
import io.kiwidb.engine.LsmEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LOCK}: one engine per data root, across processes. Each test starts a second, real JVM
 * running {@link EngineLockChild} on the same directory.
 */
class LockConformanceTest {
  @TempDir Path tmp;

  @Test
  @DisplayName("LOCK: an engine in another process holding data_root makes open fail clearly")
  void anEngineInAnotherProcessMakesOpenFail() throws Exception {
    Path root = tmp.resolve("db");
    writeQuietConfig(root);
    Process child = start("hold", root);
    try (BufferedReader out = reader(child)) {
      assertTrue(awaitLine(out).startsWith("OPEN"), "the child opened the engine");
      KiwiException e = assertThrows(KiwiException.class, () -> LsmEngine.open(root, null));
      assertTrue(
          e.getMessage().contains(root + " is in use by another kiwi-db engine"), e.getMessage());
      child.getOutputStream().close(); // the child closes its engine and exits
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, child.exitValue());
    } finally {
      child.destroyForcibly();
    }
    LsmEngine.open(root, null).close(); // our failed attempt left nothing held
  }

  @Test
  @DisplayName("LOCK: while we hold data_root, an engine in another process cannot open it")
  void anotherProcessCannotOpenOurDataRoot() throws Exception {
    Path root = tmp.resolve("ours");
    writeQuietConfig(root);
    try (LsmEngine engine = LsmEngine.open(root, null)) {
      Process child = start("try", root);
      try (BufferedReader out = reader(child)) {
        String line = awaitLine(out);
        assertTrue(line.startsWith("FAILED: data directory " + root + " is in use"), line);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      } finally {
        child.destroyForcibly();
      }
      engine.put(new byte[] {1}, new byte[] {2});
    }
  }

  private static void writeQuietConfig(Path root) throws IOException {
    Files.createDirectories(root);
    Files.writeString(root.resolve("config.json"), "{\"log_broadcast_enabled\": false}");
  }

  /** The child's first line that is ours (logback may print its own lines first). */
  private static String awaitLine(BufferedReader out) throws IOException {
    for (String line; (line = out.readLine()) != null; ) {
      if (line.startsWith("OPEN") || line.startsWith("FAILED")) {
        return line;
      }
    }
    throw new AssertionError("the child exited without a result line");
  }

  private static BufferedReader reader(Process p) {
    return ChildJvm.stdout(p);
  }

  private static Process start(String mode, Path root) throws IOException {
    return ChildJvm.start(EngineLockChild.class, mode, root.toString());
  }
}
