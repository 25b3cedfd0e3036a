package io.kiwidb.engine.conformance;

import io.kiwidb.api.KiwiException;
import io.kiwidb.engine.LsmEngine;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The other process of {@link LockConformanceTest}: {@code hold <root>} opens an engine, prints
 * {@code OPEN} and keeps it open until its stdin closes; {@code try <root>} tries once and prints
 * {@code OPEN} or {@code FAILED: <message>}.
 */
public final class EngineLockChild {
  private EngineLockChild() {}

  /** Entry point of the child JVM. */
  public static void main(String[] args) throws IOException {
    try (LsmEngine engine = LsmEngine.open(Path.of(args[1]), null)) {
      System.out.println("OPEN " + engine.dataRoot());
      System.out.flush();
      if (args[0].equals("hold")) {
        while (System.in.read() >= 0) {
          // Keep the engine open until the parent closes our stdin (or dies).
        }
      }
    } catch (KiwiException e) {
      System.out.println("FAILED: " + e.getMessage());
    }
    System.out.flush();
  }
}
