package io.kiwidb.engine.logging;

import static io.kiwidb.engine.logging.LogClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kiwidb.api.spi.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class EngineLoggingTest {
  private static final Logger LOG = LoggerFactory.getLogger(EngineLoggingTest.class);
  private static final LoggingOptions FILE_AND_BROADCAST =
      LoggingOptions.defaults().withBroadcast(true, 0);

  @TempDir Path tmp;
  private final List<EngineLogging> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(EngineLogging::close);
    MDC.clear();
  }

  private EngineLogging start(String name, LoggingOptions options) throws IOException {
    Path logs = Files.createDirectories(tmp.resolve(name).resolve("logs"));
    EngineLogging l =
        EngineLogging.start(logs, EngineLogging.newEngineId(logs.getParent()), options);
    open.add(l);
    return l;
  }

  private static String fileText(EngineLogging l) throws IOException {
    return Files.readString(l.logFile().orElseThrow());
  }

  @Test
  void twoEnginesKeepTheirFilesAndStreamsApart() throws Exception {
    EngineLogging a = start("a", FILE_AND_BROADCAST);
    EngineLogging b = start("b", FILE_AND_BROADCAST);
    assertTrue(a.logPort() > 0 && b.logPort() > 0 && a.logPort() != b.logPort());
    try (LogClient ca = new LogClient(a.logPort());
        LogClient cb = new LogClient(b.logPort())) {
      await(() -> a.broadcastServer().orElseThrow().clientCount() == 1, "client a");
      await(() -> b.broadcastServer().orElseThrow().clientCount() == 1, "client b");

      a.run(() -> LOG.atInfo().addKeyValue("seq", 7).log("put in engine A"));
      b.run(() -> LOG.atInfo().addKeyValue("seq", 8).log("put in engine B"));
      // An engine's own thread is tagged for its whole life.
      ExecutorService flusher = Executors.newSingleThreadExecutor(b.threadFactory("flush"));
      flusher.submit(() -> LOG.info("flush in engine B")).get();
      flusher.shutdown();
      assertTrue(flusher.awaitTermination(10, TimeUnit.SECONDS));
      a.run(() -> LOG.info("end of A"));
      b.run(() -> LOG.info("end of B"));

      List<String> streamA = ca.readUntil("end of A");
      List<String> streamB = cb.readUntil("end of B");
      assertTrue(
          streamA.stream().anyMatch(l -> l.contains("put in engine A seq=\"7\"")), "" + streamA);
      assertTrue(streamA.stream().noneMatch(l -> l.contains("engine B")), "" + streamA);
      assertTrue(streamB.stream().anyMatch(l -> l.contains("put in engine B")), "" + streamB);
      assertTrue(streamB.stream().anyMatch(l -> l.contains("[kiwi-flush-" + b.engineId() + "-1]")));
      assertTrue(streamB.stream().noneMatch(l -> l.contains("engine A")), "" + streamB);
    }
    String fa = fileText(a);
    String fb = fileText(b);
    assertTrue(fa.contains("put in engine A seq=\"7\""), fa);
    assertFalse(fa.contains("engine B"), fa);
    assertTrue(fb.contains("put in engine B") && fb.contains("flush in engine B"), fb);
    assertFalse(fb.contains("engine A"), fb);
    assertEquals(a.logFile().orElseThrow(), tmp.resolve("a/logs/kiwidb.log"));
  }

  @Test
  void concurrentLoggingFromManyThreadsStaysWithItsEngine() throws Exception {
    EngineLogging a = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
    EngineLogging b = start("b", LoggingOptions.defaults().withBroadcast(false, 0));
    int perThread = 500;
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      EngineLogging engine = t % 2 == 0 ? a : b;
      String name = t % 2 == 0 ? "A" : "B";
      int thread = t;
      threads.add(
          engine
              .threadFactory("writer")
              .newThread(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      LOG.atInfo()
                          .addKeyValue("i", i)
                          .log("line of " + name + " from thread " + thread);
                    }
                  }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    a.close();
    b.close();
    List<String> linesA = Files.readAllLines(a.logFile().orElseThrow());
    List<String> linesB = Files.readAllLines(b.logFile().orElseThrow());
    assertEquals(2L * perThread, linesA.stream().filter(l -> l.contains("line of A")).count());
    assertEquals(2L * perThread, linesB.stream().filter(l -> l.contains("line of B")).count());
    assertTrue(linesA.stream().noneMatch(l -> l.contains("line of B")));
    assertTrue(linesB.stream().noneMatch(l -> l.contains("line of A")));
  }

  @Test
  void untaggedEventsGoToTheSoleEngineOnly() throws IOException {
    EngineLogging a = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
    LOG.info("untagged while A is alone");
    EngineLogging b = start("b", LoggingOptions.defaults().withBroadcast(false, 0));
    LOG.info("untagged with two engines");
    assertTrue(fileText(a).contains("untagged while A is alone"));
    assertFalse(fileText(a).contains("untagged with two engines"));
    assertFalse(fileText(b).contains("untagged"));
    assertEquals(0, a.logPort());
  }

  @Test
  void scopesNestAndRestoreThePreviousTag() throws IOException {
    EngineLogging a = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
    EngineLogging b = start("b", LoggingOptions.defaults().withBroadcast(false, 0));
    EngineLogging.Scope outer = a.enter();
    try {
      assertEquals(a.engineId(), MDC.get(EngineLogging.MDC_KEY));
      b.run(() -> assertEquals(b.engineId(), MDC.get(EngineLogging.MDC_KEY)));
      assertEquals(a.engineId(), MDC.get(EngineLogging.MDC_KEY));
      assertEquals("x", a.call(() -> "x"));
    } finally {
      outer.close();
    }
    assertNull(MDC.get(EngineLogging.MDC_KEY));
  }

  @Test
  void theApplicationsLogbackSetupIsKeptAndStillReceivesEngineEvents() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Logger kiwi = ctx.getLogger("io.kiwidb");
    assertTrue(root.getAppender("APP_CONSOLE") != null, "logback-test.xml's appender");
    ListAppender<ILoggingEvent> app = new ListAppender<>();
    app.setContext(ctx);
    app.start();
    root.addAppender(app);
    try {
      assertNull(kiwi.getLevel());
      EngineLogging a = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
      assertEquals(Level.INFO, kiwi.getLevel(), "set because the application left it unset");
      a.run(() -> LOG.info("seen by the application too"));
      assertTrue(root.getAppender("APP_CONSOLE") != null, "never reset");
      assertTrue(
          app.list.stream()
              .anyMatch(
                  e ->
                      e.getFormattedMessage().equals("seen by the application too")
                          && a.engineId()
                              .equals(e.getMDCPropertyMap().get(EngineLogging.MDC_KEY))));
      a.close();
      assertNull(kiwi.getLevel(), "restored when the last engine closed");
      assertFalse(kiwi.iteratorForAppenders().hasNext(), "router detached");
      assertTrue(root.getAppender("APP_CONSOLE") != null);
    } finally {
      root.detachAppender(app);
    }
  }

  @Test
  void anExplicitApplicationLevelWins() throws IOException {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger kiwi = ctx.getLogger("io.kiwidb");
    kiwi.setLevel(Level.WARN);
    try {
      EngineLogging a = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
      a.run(() -> LOG.info("info is off"));
      a.run(() -> LOG.warn("warn is on"));
      assertEquals(Level.WARN, kiwi.getLevel());
      a.close();
      assertEquals(Level.WARN, kiwi.getLevel());
      String text = fileText(a);
      assertTrue(text.contains("warn is on") && !text.contains("info is off"), text);
    } finally {
      kiwi.setLevel(null);
    }
  }

  @Test
  void reopeningTheSameDirectoryInOneJvmKeepsLogging() throws IOException {
    EngineLogging first = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
    first.run(() -> LOG.info("first life"));
    first.close();
    EngineLogging second = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
    second.run(() -> LOG.info("second life"));
    String text = fileText(second);
    assertTrue(text.contains("first life") && text.contains("second life"), text);
  }

  @Test
  void stopClosesBroadcastClientsAndCloseIsIdempotent() throws Exception {
    EngineLogging a = start("a", FILE_AND_BROADCAST);
    try (LogClient c = new LogClient(a.logPort())) {
      await(() -> a.broadcastServer().orElseThrow().clientCount() == 1, "client");
      a.run(() -> LOG.info("last words"));
      assertEquals(1, c.readUntil("last words").size());
      a.close();
      assertTrue(c.closedByServer());
      assertEquals(0, a.logPort());
      a.close();
    }
  }

  @Test
  void withoutACaptureThereIsNoFileAndNoBroadcast() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("none/logs"));
    EngineLogging l = EngineLogging.start(logs, "none#1", FILE_AND_BROADCAST, List.of());
    open.add(l);
    assertTrue(l.logFile().isEmpty());
    assertEquals(0, l.logPort());
    assertTrue(l.broadcastServer().isEmpty(), "no listener that would stream nothing");
    l.run(() -> LOG.info("only through the application's binding"));
    try (var listing = Files.list(logs)) {
      assertEquals(0, listing.count());
    }
  }

  @Test
  void aCaptureThatDoesNotWorkWithTheBindingIsSkipped() throws Exception {
    LogCapture unusable = mock(LogCapture.class);
    when(unusable.available()).thenReturn(false);
    when(unusable.name()).thenReturn("log4j2");
    Path logs = Files.createDirectories(tmp.resolve("skip/logs"));
    EngineLogging l = EngineLogging.start(logs, "skip#1", FILE_AND_BROADCAST, List.of(unusable));
    open.add(l);
    verify(unusable, never()).start(any(), any(), any(), any());
    assertEquals(0, l.logPort());
    assertTrue(l.logFile().isEmpty());
  }

  @Test
  void theInstalledLogbackCaptureIsFound() {
    assertEquals(
        List.of("logback"),
        EngineLogging.installedCaptures().stream().map(LogCapture::name).toList());
  }

  @Test
  void fileLoggingCanBeTurnedOffForNonLocalFileSystems() throws IOException {
    EngineLogging a = start("a", LoggingOptions.defaults().withFile(false).withBroadcast(false, 0));
    a.run(() -> LOG.info("nowhere on disk"));
    assertTrue(a.logFile().isEmpty());
    try (var listing = Files.list(tmp.resolve("a/logs"))) {
      assertEquals(0, listing.count());
    }
  }

  @Test
  void engineIdsAreUniqueAndADuplicateIsRefused() throws IOException {
    assertFalse(EngineLogging.newEngineId(tmp).equals(EngineLogging.newEngineId(tmp)));
    assertTrue(EngineLogging.newEngineId(tmp.resolve("data")).startsWith("data#"));
    EngineLogging a = start("a", LoggingOptions.defaults().withBroadcast(false, 0));
    Path logs = tmp.resolve("a/logs");
    assertThrows(
        IllegalStateException.class,
        () ->
            EngineLogging.start(
                logs, a.engineId(), LoggingOptions.defaults().withBroadcast(false, 0)));
    // The failed start left the first engine's routing alone.
    a.run(() -> LOG.info("still routed"));
    assertTrue(fileText(a).contains("still routed"));
  }

  @Test
  void optionsFollowTheConfig() {
    var config =
        io.kiwidb.engine.config.EngineConfig.defaults()
            .with("log_broadcast_enabled", false)
            .with("log_broadcast_port", 9100);
    LoggingOptions o = LoggingOptions.from(config, true);
    assertFalse(o.broadcastEnabled());
    assertEquals(LoggingOptions.Broadcast.OFF, o.broadcast());
    assertEquals(9100, o.broadcastPort());
    assertTrue(o.fileEnabled());
    assertSame(
        IllegalArgumentException.class,
        assertThrows(
                IllegalArgumentException.class,
                () -> LoggingOptions.defaults().withBroadcast(true, -1))
            .getClass());
  }

  @Test
  void theBroadcastModeAndIdleTimeoutFollowTheConfig() {
    var defaults = LoggingOptions.from(io.kiwidb.engine.config.EngineConfig.defaults(), true);
    assertEquals(LoggingOptions.Broadcast.TCP, defaults.broadcast());
    assertEquals(java.time.Duration.ofMinutes(5), defaults.idleTimeout());
    var unix =
        io.kiwidb.engine.config.EngineConfig.defaults()
            .with("log_broadcast", "unix")
            .with("log_broadcast_idle_timeout_s", 7);
    assertEquals(LoggingOptions.Broadcast.UNIX, LoggingOptions.from(unix, true).broadcast());
    assertEquals(java.time.Duration.ofSeconds(7), LoggingOptions.from(unix, true).idleTimeout());
    // A Unix-domain socket needs a real path: off for an in-memory store.
    assertEquals(LoggingOptions.Broadcast.OFF, LoggingOptions.from(unix, false).broadcast());
    // The reference's switch wins over log_broadcast.
    var both = unix.with("log_broadcast_enabled", false);
    assertEquals(LoggingOptions.Broadcast.OFF, LoggingOptions.from(both, true).broadcast());
    var off = io.kiwidb.engine.config.EngineConfig.defaults().with("log_broadcast", "off");
    assertFalse(LoggingOptions.from(off, true).broadcastEnabled());
  }

  @Test
  void aUnixBroadcastListensOnTheSocketInTheLogsDirectory() throws Exception {
    EngineLogging a =
        start("u", LoggingOptions.defaults().withBroadcast(LoggingOptions.Broadcast.UNIX));
    Path socket = tmp.resolve("u/logs/kiwidb.sock");
    assertEquals(Optional.of(socket), a.logSocket());
    assertEquals(0, a.logPort());
    try (LogClient c = LogClient.unix(socket)) {
      await(() -> a.broadcastServer().orElseThrow().clientCount() == 1, "unix client");
      a.run(() -> LOG.info("over the unix socket"));
      assertEquals(1, c.readUntil("over the unix socket").size());
    }
    a.close();
    assertFalse(Files.exists(socket), "the socket file is removed at close");
  }
}
