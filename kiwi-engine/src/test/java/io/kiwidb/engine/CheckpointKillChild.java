package io.kiwidb.engine;

import io.kiwidb.api.StorageEngine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process {@link CheckpointKillTest} kills: {@code <data> <backups> <firstKey>} opens the
 * store, writes keys {@code w0:<n>} from {@code firstKey} on one thread, printing {@code A <n+1>}
 * once write {@code n} is acknowledged, and makes checkpoints {@code <backups>/cp-<i>} one after
 * the other on the main thread, printing {@code C <i>} before and {@code D <i>} after each, until
 * it is killed.
 */
public final class CheckpointKillChild {
  private CheckpointKillChild() {}

  /** Entry point of the child JVM. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    long first = Long.parseLong(args[2]);
    StorageEngine db = LsmEngine.open(Path.of(args[0]), null);
    Thread writer =
        new Thread(
            () -> {
              for (long n = first; ; n++) {
                db.put(
                    EngineTestSupport.b(CheckpointTest.key(0, n)),
                    EngineTestSupport.b(Long.toString(n)));
                synchronized (out) {
                  out.println("A " + (n + 1));
                  out.flush();
                }
              }
            });
    writer.setDaemon(true);
    writer.start();
    for (int i = 0; ; i++) {
      synchronized (out) {
        out.println("C " + i);
        out.flush();
      }
      db.checkpoint(Path.of(args[1], "cp-" + i));
      synchronized (out) {
        out.println("D " + i);
        out.flush();
      }
    }
  }
}
