package io.kiwidb.engine;

import io.kiwidb.api.KiwiException;
import io.kiwidb.fs.FileSystems;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The other process of {@link DataDirectoryTest}: {@code hold <root>} locks the directory, prints
 * {@code LOCKED} and keeps the lock until its stdin closes; {@code try <root>} tries once and
 * prints {@code LOCKED} or {@code FAILED: <message>}.
 */
public final class LockHolder {
  private LockHolder() {}

  /** Entry point of the child JVM. */
  @SuppressWarnings("try") // the lock is held for the try block
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[1]);
    try (DataDirectory dir = DataDirectory.open(FileSystems.local(), root)) {
      System.out.println("LOCKED");
      System.out.flush();
      if (args[0].equals("hold")) {
        while (System.in.read() >= 0) {
          // Hold the lock until the parent closes our stdin (or dies).
        }
      }
    } catch (KiwiException e) {
      System.out.println("FAILED: " + e.getMessage());
    }
  }
}
