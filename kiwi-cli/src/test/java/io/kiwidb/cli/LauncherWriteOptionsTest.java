package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-write flags and {@code flush --wait} through the packaged {@code ./kiwi} on the real
 * engine: one-shot writes with each flag read back by later processes, the contradiction refused
 * with exit 2, and, in a shell killed with SIGKILL, a {@code --no-wal} write that {@code flush
 * --wait} made durable survives while one written after it is lost, as documented.
 *
 * <p>Tagged {@code launcher}: runs after {@code package} (see kiwi-cli's pom).
 */
@Tag("launcher")
class LauncherWriteOptionsTest {
  @TempDir Path work;
  KiwiLauncher kiwi;
  Path data;

  @BeforeAll
  static void needsThePackagedProgram() {
    KiwiLauncher.assumePackaged();
  }

  @BeforeEach
  void setUp() {
    kiwi = new KiwiLauncher(work);
    data = work.resolve("data");
  }

  private CliRun ok(String... args) {
    CliRun run = kiwi.run(args);
    assertEquals(0, run.code(), run::toString);
    return run;
  }

  @Test
  void oneShotWritesWithEachFlagAreReadByTheNextProcess() {
    String d = "--data=" + data;
    assertEquals("OK\n", ok("put", d, "--sync", "synced", "1").out());
    ok("put", d, "--no-sync", "unsynced", "2");
    ok("put", d, "--no-wal", "unlogged", "3");
    ok("del", d, "--sync", "unsynced");
    CliRun flush = ok("flush", d, "--wait");
    // The opening replays the logged delete into the active memtable; --wait writes it to a table.
    assertEquals("flushed: the active memtable and every earlier one are in tables\n", flush.out());
    assertEquals(
        "nothing to flush: the active memtable is empty; every earlier one is in tables\n",
        ok("flush", d, "--wait").out());
    assertEquals("1\n", ok("get", d, "synced").out());
    assertEquals("3\n", ok("get", d, "unlogged").out());
    assertEquals(ExitCodes.NOT_FOUND, kiwi.run("get", d, "unsynced").code());

    CliRun refused = kiwi.run("put", d, "--sync", "--no-wal", "k", "v");
    assertEquals(ExitCodes.USAGE, refused.code(), refused::toString);
    assertEquals(
        "kiwi: --sync cannot be combined with --no-wal: a write that skips the write-ahead log"
            + " has nothing to fsync (make it durable with flush --wait)\n"
            + "Try 'kiwi put --help'.\n",
        refused.err());
    assertEquals(ExitCodes.NOT_FOUND, kiwi.run("get", d, "k").code());
  }

  @Test
  void aNoWalWriteSurvivesAKillOnceFlushWaitReturnedAndALaterOneDoesNot() throws Exception {
    String d = "--data=" + data;
    try (KiwiLauncher.Child shell = kiwi.start("shell", d, "--no-history")) {
      shell.write("put --no-wal bulk:1 one\nput --no-wal bulk:2 two\nflush --wait\n");
      shell.awaitOutput("the waited flush", r -> r.out().contains("flushed: "), 60);
      shell.write("put --no-wal late:1 three\nput --no-sync logged:1 four\nget late:1\n");
      shell.awaitOutput("the late write", r -> r.out().contains("three\n"), 60);
      kill(shell.pid());
      CliRun killed = shell.await(30);
      assertEquals(128 + 9, killed.code(), () -> "killed by SIGKILL: " + killed);
    }
    assertEquals("one\n", ok("get", d, "bulk:1").out());
    assertEquals("two\n", ok("get", d, "bulk:2").out());
    // No clean close ran: the write that skipped the log is gone; the logged one was in the OS.
    assertEquals(ExitCodes.NOT_FOUND, kiwi.run("get", d, "late:1").code());
    assertEquals("four\n", ok("get", d, "logged:1").out());
    CliRun scan = ok("scan", d);
    assertFalse(scan.out().contains("late:1"), scan::toString);
    assertTrue(scan.out().contains("bulk:1\tone"), scan::toString);
  }

  private static void kill(long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -KILL " + pid);
    assertEquals(0, kill.exitValue(), "kill -KILL " + pid);
  }
}
