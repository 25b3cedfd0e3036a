package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tail-log} against a stand-in for the engine's log broadcast server on 127.0.0.1: a real
 * socket that sends a few lines and closes.
 */
class LogTailTest {
  @TempDir Path dir;
  ServerSocket server;
  Thread serverThread;

  @BeforeEach
  void startServer() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    serverThread =
        new Thread(
            () -> {
              try (Socket client = server.accept();
                  OutputStream out = client.getOutputStream()) {
                out.write(
                    "INFO Startup complete\nINFO Flush queued\nWARN ünïcode\n"
                        .getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                // The test that needs the lines fails on its own assertions.
              }
            },
            "fake-log-server");
    serverThread.start();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
    serverThread.join(5_000);
  }

  private static final List<String> LINES =
      List.of("INFO Startup complete", "INFO Flush queued", "WARN ünïcode");

  @Test
  void oneShotWithAPortReadsTheLinesWithoutOpeningTheStore() {
    FakeStorageEngine engine = new FakeStorageEngine(dir);
    CliRun run =
        CliRun.run(
            engine.opener(), "", "tail-log", "--port", String.valueOf(server.getLocalPort()));
    assertEquals(0, run.code(), run::toString);
    assertEquals(LINES, run.lines());
    assertTrue(run.err().contains("(log closed after 3 lines)"), run::toString);
    assertEquals(0, engine.opens);
  }

  @Test
  void withJsonEachLineIsOneDocument() throws Exception {
    CliRun run =
        CliRun.run(
            new FakeStorageEngine(dir).opener(),
            "",
            "tail-log",
            "--json",
            "--port",
            String.valueOf(server.getLocalPort()));
    assertEquals(0, run.code(), run::toString);
    List<String> lines = new java.util.ArrayList<>();
    for (String doc : run.lines()) {
      lines.add(
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(doc).get("line").asText());
    }
    assertEquals(LINES, lines);
    assertEquals("", run.err(), "no notes in JSON mode");
  }

  @Test
  void theShellFollowsTheEnginesLogPort() {
    FakeStorageEngine engine = new FakeStorageEngine(dir);
    engine.logPort = server.getLocalPort();
    CliRun run =
        CliRun.run(engine.opener(), "tail-log\nput k v\n", "shell", "--data", dir.toString());
    assertEquals(0, run.code(), run::toString);
    assertEquals(
        List.of("INFO Startup complete", "INFO Flush queued", "WARN ünïcode", "OK"), run.lines());
  }

  @Test
  void aDisabledLogServerIsReported() {
    FakeStorageEngine engine = new FakeStorageEngine(dir);
    CliRun run = CliRun.run(engine.opener(), "tail-log\n", "shell", "--data", dir.toString());
    assertEquals(ExitCodes.DATA_DIR, run.code(), run::toString);
    assertEquals("the log broadcast server is off (log port 0; see log_broadcast)\n", run.err());
  }

  @Test
  void oneShotWithoutAPortNeedsAProcessHoldingTheDataDirectory() {
    FakeStorageEngine engine = new FakeStorageEngine(dir);
    CliRun run = CliRun.run(engine.opener(), "", "tail-log", "--data", dir.toString());
    assertEquals(ExitCodes.DATA_DIR, run.code(), run::toString);
    assertTrue(
        run.err().startsWith("kiwi: no kiwi process has " + dir + " open, so there is no log"),
        run::toString);
    assertEquals(0, engine.opens, "tail-log never opens an engine of its own");
    CliRun badPort = CliRun.run(engine.opener(), "", "tail-log", "--port", "70000");
    assertEquals(ExitCodes.USAGE, badPort.code(), badPort::toString);
    assertEquals("kiwi: --port must be 1 to 65535, got 70000\n", badPort.err());
  }

  @Test
  void theLastAnnouncedPortIsReadFromTheEnginesLogFile() throws IOException {
    Path log = dir.resolve("kiwidb.log");
    java.nio.file.Files.writeString(
        log,
        String.join(
            "\n",
            "2026-01-01T00:00:00Z INFO  [main] io.kiwidb.engine.EngineOpener - Startup complete"
                + " data_root=\"/d\" log_port=\"9009\"",
            "2026-01-01T00:00:01Z INFO  [main] x - Flush done log_port=\"1\"",
            "2026-01-01T00:00:02Z INFO  [main] io.kiwidb.engine.EngineOpener - Startup complete"
                + " data_root=\"/d\" l0_sstables=\"1\" log_port=\"40123\"",
            ""));
    io.kiwidb.api.spi.FileSystem fs = io.kiwidb.fs.FileSystems.local();
    assertEquals(40123, RunningEngine.lastAnnouncedPort(fs, log));
    assertEquals(-1, RunningEngine.lastAnnouncedPort(fs, dir.resolve("absent.log")));
  }

  @Test
  void anAnnouncedSocketWinsOverThePortAndANullSocketIsTcp() throws IOException {
    Path log = dir.resolve("kiwidb.log");
    io.kiwidb.api.spi.FileSystem fs = io.kiwidb.fs.FileSystems.local();
    java.nio.file.Files.writeString(
        log,
        "2026-01-01T00:00:00Z INFO  [main] x - Startup complete data_root=\"/d\" log_port=\"0\""
            + " log_socket=\"/d/logs/kiwidb.sock\"\n");
    assertEquals(
        LogTarget.unix(Path.of("/d/logs/kiwidb.sock")), RunningEngine.lastAnnounced(fs, log));
    java.nio.file.Files.writeString(
        log,
        "2026-01-01T00:00:00Z INFO  [main] x - Startup complete log_port=\"9010\""
            + " log_socket=\"null\"\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertEquals(LogTarget.tcp(9010), RunningEngine.lastAnnounced(fs, log), "the last one counts");
  }

  @Test
  void followsAUnixDomainSocketAndKeepsTheConnectionAlive() throws Exception {
    Path socket = dir.resolve("kiwidb.sock");
    try (var listener =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      listener.bind(java.net.UnixDomainSocketAddress.of(socket));
      java.util.concurrent.atomic.AtomicInteger keepAlives =
          new java.util.concurrent.atomic.AtomicInteger();
      Thread fake =
          new Thread(
              () -> {
                try (var client = listener.accept()) {
                  client.write(
                      java.nio.ByteBuffer.wrap("first\n".getBytes(StandardCharsets.UTF_8)));
                  // Say nothing until the tail has sent two keep-alives, then the last line.
                  java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(16);
                  while (keepAlives.get() < 2 && client.read(in) > 0) {
                    in.flip();
                    while (in.hasRemaining()) {
                      if (in.get() == '\n') {
                        keepAlives.incrementAndGet();
                      }
                    }
                    in.clear();
                  }
                  client.write(java.nio.ByteBuffer.wrap("last\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                  // The assertions below fail.
                }
              },
              "fake-unix-log-server");
      fake.start();
      CliRun run =
          CliRun.run(
              new FakeStorageEngine(dir).opener(), "", "tail-log", "--socket", socket.toString());
      fake.join(10_000);
      assertEquals(0, run.code(), run::toString);
      assertEquals(List.of("first", "last"), run.lines());
      assertTrue(keepAlives.get() >= 2, "keep-alives sent: " + keepAlives.get());
      assertTrue(run.err().contains("tailing the log on " + socket), run::toString);
    }
  }

  @Test
  void portAndSocketTogetherAreAUsageError() {
    CliRun run =
        CliRun.run(
            new FakeStorageEngine(dir).opener(),
            "",
            "tail-log",
            "--port",
            "9009",
            "--socket",
            "/tmp/x.sock");
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertTrue(run.err().contains("give --port or --socket, not both"), run::toString);
  }

  @Test
  void anUnreachablePortIsAnIoError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CliRun run =
        CliRun.run(new FakeStorageEngine(dir).opener(), "", "tail-log", "--port", "" + port);
    assertEquals(ExitCodes.STORAGE, run.code(), run::toString);
    assertTrue(
        run.err().startsWith("kiwi: cannot connect to the log port 127.0.0.1:" + port),
        run::toString);
  }

  @Test
  void aCtrlCRightAfterTheAnnouncementStopsTheTail() throws Exception {
    // The shell prints "tailing the log ..." from `connected`; a Ctrl-C the user (or the tmux
    // test) sends on seeing it must stop the tail, so the stop action is registered by then.
    AtomicReference<Runnable> handler = new AtomicReference<>();
    boolean[] stoppable = {false};
    long lines =
        LogTail.follow(
            LogTarget.tcp(server.getLocalPort()),
            line -> {},
            () -> {
              Runnable stop = handler.get();
              stoppable[0] = stop != null;
              if (stop != null) {
                stop.run(); // Ctrl-C at once
              }
            },
            r -> {
              if (r != null) {
                handler.set(r);
              }
            });
    assertTrue(stoppable[0], "the stop action was registered before the tail announced itself");
    assertEquals(0, lines, "stopped before reading any line");
  }

  @Test
  void theInterruptHandlerStopsTheTailCleanly() throws Exception {
    // The server thread from setUp sends three lines and closes; this test uses its own server
    // that never closes, and interrupts through the registered handler.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicReference<Runnable> handler = new AtomicReference<>();
      CountDownLatch registered = new CountDownLatch(1);
      Thread stopper =
          new Thread(
              () -> {
                try (Socket s = silent.accept()) {
                  s.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
                  s.getOutputStream().flush();
                  registered.await();
                  handler.get().run();
                  Thread.sleep(50);
                } catch (Exception e) {
                  // The assertions below fail if this thread could not interrupt.
                }
              });
      stopper.start();
      java.io.StringWriter sw = new java.io.StringWriter();
      long lines =
          LogTail.follow(
              LogTarget.tcp(silent.getLocalPort()),
              sw::write,
              () -> {},
              r -> {
                if (r != null) {
                  handler.set(r);
                  registered.countDown();
                }
              });
      stopper.join(5_000);
      assertTrue(lines <= 1, "stopped without an error after " + lines + " lines");
    }
    // Drain the setUp server so its thread ends.
    new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()).close();
  }

  /**
   * A full broadcast server answers with one line and hangs up. That is a failed tail (exit 4 with
   * the reason), not a log of one line that ended normally with exit 0.
   */
  @Test
  void aServerThatRefusesTheTailIsAFailureNotAnEmptyLog() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread refuser =
          new Thread(
              () -> {
                try (Socket s = full.accept();
                    OutputStream out = s.getOutputStream()) {
                  out.write(
                      "kiwidb log broadcast: too many clients (16)\n"
                          .getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                  // The assertions below fail if the tail saw no refusal.
                }
              },
              "full-log-server");
      refuser.start();
      FakeStorageEngine engine = new FakeStorageEngine(dir);
      engine.logPort = full.getLocalPort();
      CliRun run =
          CliRun.run(engine.opener(), "tail-log\nexit\n", "shell", "--data", dir.toString());
      refuser.join(5_000);
      assertEquals(ExitCodes.STORAGE, run.code(), run::toString);
      assertEquals("", run.out(), run::toString);
      assertEquals(
          "tailing the log on 127.0.0.1:"
              + full.getLocalPort()
              + " (Ctrl-C to stop)\nthe log server on 127.0.0.1:"
              + full.getLocalPort()
              + " refused to serve this tail: too many clients (16) are following it already;"
              + " stop one, then try again\n",
          run.err());
    }
    new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()).close();
  }
}
