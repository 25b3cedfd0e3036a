package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.kiwidb.engine.EngineTestHooks;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.engine.logging.LoggingOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The seed system's logging ({@code <data_root>/logs/kiwidb.log} and the TCP log broadcast server)
 * and the promises around it: engines keep their logs apart, clients never block the
 * engine, and the application's logback setup stays the application's.
 */
class LoggingConformanceTest {
  @TempDir Path tmp;

  private static void writeConfig(Path root, Map<String, Object> keys) throws IOException {
    Files.createDirectories(root);
    Files.writeString(
        root.resolve("config.json"),
        keys.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
            .collect(Collectors.joining(", ", "{", "}")));
  }

  private static String log(Path root) throws IOException {
    return Files.readString(root.resolve("logs/kiwidb.log"), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("logging: each engine writes <data_root>/logs/kiwidb.log, open to close")
  void eachEngineWritesItsOwnLogFile() throws IOException {
    Path root = tmp.resolve("db");
    writeConfig(root, Map.of("log_broadcast_enabled", false));
    try (LsmEngine engine = LsmEngine.open(root, null)) {
      engine.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
      engine.flush();
    }
    String log = log(root);
    for (String line :
        new String[] {
          "Startup started", "Startup complete", "Engine FLUSH queued", "Shutdown complete"
        }) {
      assertTrue(log.contains(line), line + " missing from\n" + log);
    }
    assertTrue(log.contains("log_file=\"" + root.resolve("logs/kiwidb.log") + "\""), log);
  }

  @Test
  @DisplayName("logging: kiwidb.log rolls (here at 1 KiB) into logs/kiwidb.<date>.<i>.log.gz")
  void theLogFileRolls() throws IOException {
    Path logs = tmp.resolve("rolling/logs");
    Files.createDirectories(logs);
    LoggingOptions small =
        new LoggingOptions(
            true,
            LoggingOptions.Broadcast.OFF,
            0,
            java.time.Duration.ZERO,
            16,
            1,
            1024,
            7,
            1L << 20);
    org.slf4j.Logger log = LoggerFactory.getLogger("io.kiwidb.conformance.Rolling");
    try (EngineLogging logging =
        EngineLogging.start(logs, EngineLogging.newEngineId(logs.getParent()), small)) {
      for (int i = 0; i < 200; i++) {
        int n = i;
        logging.run(() -> log.info("line {} {}", n, "x".repeat(100)));
      }
    }
    EngineFixture.await(
        "a rolled, compressed log file",
        () -> {
          try (var files = Files.list(logs)) {
            return files.anyMatch(
                f -> f.getFileName().toString().matches("kiwidb\\..+\\.log\\.gz"));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    assertTrue(Files.size(logs.resolve("kiwidb.log")) < 4096, "the live file was started anew");
    // logback compresses each rolled file on its own pool thread, and stopping the appender waits
    // only for the latest job: earlier ones may still be writing when close returns. Let them
    // finish, or the temp directory's deletion races them.
    String[] last = {""};
    long[] stableSince = {System.nanoTime()};
    EngineFixture.await(
        "the log directory to stop changing",
        () -> {
          String now = listing(logs);
          if (!now.equals(last[0]) || now.contains(".tmp")) {
            last[0] = now;
            stableSince[0] = System.nanoTime();
            return false;
          }
          return System.nanoTime() - stableSince[0] > 300_000_000L;
        });
  }

  /** The names and sizes of a directory's files, as one string. */
  private static String listing(Path dir) {
    try (var files = Files.list(dir)) {
      return files
          .map(
              f -> {
                try {
                  return f.getFileName() + ":" + Files.size(f);
                } catch (IOException e) {
                  return f.getFileName() + ":gone";
                }
              })
          .sorted()
          .collect(java.util.stream.Collectors.joining(","));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("logging: two engines in one JVM keep their logs apart")
  void twoEnginesKeepTheirLogsApart() throws IOException {
    Path a = tmp.resolve("alpha");
    Path b = tmp.resolve("beta");
    writeConfig(a, Map.of("log_broadcast_enabled", false));
    writeConfig(b, Map.of("log_broadcast_enabled", false));
    try (LsmEngine ea = LsmEngine.open(a, null);
        LsmEngine eb = LsmEngine.open(b, null)) {
      ea.put("x".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
      eb.put("y".getBytes(StandardCharsets.UTF_8), "2".getBytes(StandardCharsets.UTF_8));
      ea.flush();
      eb.flush();
      ea.updateConfig("block_size", 8192);
    }
    String la = log(a);
    String lb = log(b);
    assertTrue(la.contains("Engine FLUSH queued") && lb.contains("Engine FLUSH queued"));
    assertTrue(la.contains("Config updated key=\"block_size\""), la);
    assertFalse(lb.contains("Config updated"), "beta's log has alpha's update:\n" + lb);
    assertFalse(la.contains(b.toString()), "alpha's log mentions beta:\n" + la);
    assertFalse(lb.contains(a.toString()), "beta's log mentions alpha:\n" + lb);
    assertTrue(la.contains("Shutdown complete") && lb.contains("Shutdown complete"));
  }

  @Test
  @DisplayName(
      "log server: 127.0.0.1 on the configured port (9009 by default), a free port when taken")
  void aTakenPortFallsBackToAFreeOne() throws IOException {
    Path root = tmp.resolve("db");
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      writeConfig(root, Map.of("log_broadcast_port", taken.getLocalPort()));
      try (LsmEngine engine = LsmEngine.open(root, null)) {
        assertTrue(engine.logPort() > 0);
        assertNotEquals(taken.getLocalPort(), engine.logPort());
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), engine.logPort())) {
          assertTrue(client.isConnected());
        }
      }
      assertTrue(log(root).contains("Log broadcast port taken; bound a free one"));
    }
  }

  @Test
  @DisplayName("log server: a client that stops reading never blocks the engine")
  void aClientThatStopsReadingNeverBlocksTheEngine() throws Exception {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    Path root = Path.of("/slow-client");
    fs.createDirectories(root);
    try (var f = fs.create(root.resolve("config.json"))) {
      f.append("{\"log_broadcast_port\": 0}".getBytes(StandardCharsets.UTF_8));
    }
    try (LsmEngine engine = LsmEngine.open(fs, root, null);
        Socket stuck = new Socket()) {
      stuck.setReceiveBufferSize(4096);
      stuck.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.logPort()));
      EngineFixture.await("the client", () -> EngineTestHooks.broadcastClients(engine) == 1);
      // Every empty flush logs a line: far more than the socket buffers and the client's queue.
      for (int i = 0; i < 50_000; i++) {
        engine.flush();
      }
      assertTrue(EngineTestHooks.droppedBroadcastLines(engine) > 0, "lines were dropped");
      engine.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
      assertEquals(
          "v",
          new String(
              engine.get("k".getBytes(StandardCharsets.UTF_8)).orElseThrow(),
              StandardCharsets.UTF_8));
      // A vanished client is dropped at its next failed write, and the engine goes on.
      Socket gone = new Socket(InetAddress.getLoopbackAddress(), engine.logPort());
      EngineFixture.await("two clients", () -> EngineTestHooks.broadcastClients(engine) == 2);
      gone.setSoLinger(true, 0);
      gone.close();
      EngineFixture.await(
          "the vanished client to be dropped",
          () -> {
            engine.flush();
            return EngineTestHooks.broadcastClients(engine) == 1;
          });
    }
  }

  @Test
  @DisplayName("logging: the application's logback setup is kept (no reset, root untouched)")
  void theApplicationsLogbackSetupIsKept() throws IOException {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger rootLogger = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    Level rootLevel = rootLogger.getLevel();
    assertTrue(rootLogger.getAppender("APP_CONSOLE") != null, "logback-test.xml's appender");
    InMemoryFileSystem fs = new InMemoryFileSystem();
    try (LsmEngine engine = LsmEngine.open(fs, Path.of("/app-logback"), null)) {
      engine.flush();
      assertTrue(rootLogger.getAppender("APP_CONSOLE") != null, "still attached");
      assertEquals(rootLevel, rootLogger.getLevel());
      assertTrue(ctx.getLogger("io.kiwidb").isAdditive(), "events still reach the app");
    }
    assertEquals(rootLevel, rootLogger.getLevel());
    assertTrue(rootLogger.getAppender("APP_CONSOLE") != null);
  }
}
