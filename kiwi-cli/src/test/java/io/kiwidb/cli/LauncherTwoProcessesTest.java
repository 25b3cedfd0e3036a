package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real processes on one data directory: a {@code kiwi shell} holds the store open (and its
 * {@code LOCK}) while one-shot commands run next to it, as when a user keeps a shell open in one
 * terminal and types commands in another.
 */
@Tag("launcher")
class LauncherTwoProcessesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path work;

  @BeforeAll
  static void needsThePackagedProgram() {
    KiwiLauncher.assumePackaged();
  }

  @Test
  void aLockedDataDirectoryIsReportedAndTailLogFollowsTheProcessHoldingIt() throws Exception {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    String data = work.resolve("data").toString();
    try (KiwiLauncher.Child shell = kiwi.start("shell", "--data", data, "--no-history")) {
      // Once the shell answers, its engine is open and holds LOCK.
      shell.write("stats --json\n");
      shell.awaitOutput("the shell's stats", r -> r.out().contains("\"log_port\""), 60);
      JsonNode stats = MAPPER.readTree(shell.stdout().lines().findFirst().orElseThrow());
      int logPort = stats.get("log_port").asInt();

      CliRun get = kiwi.run("get", "--data", data, "k");
      assertEquals(ExitCodes.DATA_DIR, get.code(), get::toString);
      assertTrue(
          get.err().startsWith("kiwi: data directory " + data + " is in use"), get::toString);
      assertTrue(get.err().contains("only one engine may open a data directory"), get::toString);
      CliRun put = kiwi.run("put", "--data", data, "k", "v");
      assertEquals(ExitCodes.DATA_DIR, put.code(), put::toString);

      // tail-log finds the shell's engine through LOCK and the port its log announced.
      try (KiwiLauncher.Child tail = kiwi.start("tail-log", "--data", data)) {
        tail.awaitOutput(
            "the tail to connect",
            r -> r.err().contains("tailing the log on 127.0.0.1:" + logPort + " (Ctrl-C to stop)"),
            60);
        awaitRegistered(tail, shell);
        shell.write("put k v\nflush\n");
        tail.awaitOutput("the flush in the log", r -> r.out().contains("Flush"), 30);
        tail.interrupt(); // Ctrl-C
        CliRun stopped = tail.await(30);
        assertEquals(130, stopped.code(), "killed by SIGINT, as a shell reports it: " + stopped);
      }

      // The end of the log (the engine closing) ends the tail cleanly, with exit code 0.
      try (KiwiLauncher.Child tail = kiwi.start("tail-log", "--data", data)) {
        tail.awaitOutput("the tail to connect", r -> r.err().contains("tailing the log"), 60);
        awaitRegistered(tail, shell);
        shell.closeStdin(); // the shell's script ends: it closes the engine
        CliRun ended = tail.await(30);
        assertEquals(0, ended.code(), ended::toString);
        assertTrue(ended.out().contains("Shutdown started"), ended::toString);
        assertTrue(ended.err().contains("(log closed after "), ended::toString);
      }
      CliRun shellRun = shell.await(30);
      assertEquals(0, shellRun.code(), shellRun::toString);
    }
    // Nobody holds the directory now: tail-log says there is nothing to follow.
    CliRun alone = kiwi.run("tail-log", "--data", data);
    assertEquals(ExitCodes.DATA_DIR, alone.code(), alone::toString);
    assertTrue(
        alone.err().startsWith("kiwi: no kiwi process has " + data + " open"), alone::toString);
    assertEquals("v\n", kiwi.run("get", "--data", data, "k").out(), "the shell's write is durable");
  }

  @Test
  void aUnixSocketBroadcastIsForTheOwnerOnlyAndTailLogFindsIt() throws Exception {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    Path dataDir = java.nio.file.Files.createDirectories(work.resolve("u"));
    String data = dataDir.toString();
    java.nio.file.Files.writeString(
        dataDir.resolve("config.json"), "{\"log_broadcast\": \"unix\"}");
    Path socket = dataDir.resolve("logs").resolve("kiwidb.sock");
    try (KiwiLauncher.Child shell = kiwi.start("shell", "--data", data, "--no-history")) {
      shell.write("stats --json\n");
      shell.awaitOutput("the shell's stats", r -> r.out().contains("\"log_port\""), 60);
      assertTrue(java.nio.file.Files.exists(socket), "the socket is in the logs directory");
      assertEquals(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
          java.nio.file.Files.getPosixFilePermissions(socket));
      try (KiwiLauncher.Child tail = kiwi.start("tail-log", "--data", data)) {
        tail.awaitOutput(
            "the tail to connect",
            r -> r.err().contains("tailing the log on " + socket + " (Ctrl-C to stop)"),
            60);
        awaitRegistered(tail, shell);
        shell.closeStdin();
        CliRun ended = tail.await(30);
        assertEquals(0, ended.code(), ended::toString);
        assertTrue(ended.out().contains("Shutdown started"), ended::toString);
      }
      assertEquals(0, shell.await(30).code());
    }
    assertTrue(!java.nio.file.Files.exists(socket), "the socket is removed when the engine closes");
  }

  @Test
  void oneShotCommandsRunNoBroadcastEvenWhenThePortIsTaken() throws Exception {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    Path dataDir = java.nio.file.Files.createDirectories(work.resolve("o"));
    String data = dataDir.toString();
    // Whatever the config says, a one-shot command opens no listener: not the preferred port,
    // and no fallback port with its warning when that one is busy.
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(
            0, 1, java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      java.nio.file.Files.writeString(
          dataDir.resolve("config.json"), "{\"log_broadcast_port\": " + busy.getLocalPort() + "}");
      CliRun put = kiwi.run("put", "--data", data, "k", "v");
      assertEquals(0, put.code(), put::toString);
      assertEquals("", put.err(), "no broadcast warning on stderr");
      CliRun get = kiwi.run("get", "--data", data, "k");
      assertEquals("v\n", get.out(), get::toString);
      assertEquals("", get.err(), get::toString);
    }
    String log = java.nio.file.Files.readString(dataDir.resolve("logs/kiwidb.log"));
    assertTrue(log.contains("Startup complete"), "the engine log file is written: " + log);
    assertTrue(!log.contains("Log broadcast port taken"), log);
    assertTrue(
        log.lines()
            .filter(l -> l.contains("Startup complete"))
            .allMatch(l -> l.contains("log_port=\"0\"")),
        log);
  }

  /**
   * Has the shell log (an empty flush logs "Engine FLUSH (manual) requested") until the tail shows
   * such a line. The tail says it is tailing as soon as its connect returns, which is before the
   * shell's broadcast server has accepted it, and a line logged in between never reaches it: on a
   * loaded machine the lines the test then waits for could be lost that way.
   */
  private static void awaitRegistered(KiwiLauncher.Child tail, KiwiLauncher.Child shell)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!tail.stdout().contains("FLUSH (manual)")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the tail never got a line of the shell's log: " + tail.snapshot());
      }
      shell.write("flush\n");
      Thread.sleep(100);
    }
  }
}
