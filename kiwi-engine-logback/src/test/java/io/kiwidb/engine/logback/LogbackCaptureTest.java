package io.kiwidb.engine.logback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kiwidb.api.spi.LogCapture;
import io.kiwidb.api.spi.NamedProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.helpers.NOPLoggerFactory;

/** The logback capture on its own: routing by engine id, the file, the broadcast sink, cleanup. */
class LogbackCaptureTest {
  private static final LogCapture.Rolling ROLLING = new LogCapture.Rolling(1L << 20, 7, 1L << 30);
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger("io.kiwidb.test.Capture");

  @TempDir Path tmp;

  /** A broadcast sink that records lines, with a switch for whether anyone listens. */
  private static final class Lines implements LogCapture.LineSink {
    final List<String> lines = new CopyOnWriteArrayList<>();
    volatile boolean listening = true;

    @Override
    public boolean wantsLines() {
      return listening;
    }

    @Override
    public void publish(String line) {
      lines.add(line);
    }
  }

  private static void logAs(String engineId, String message) {
    MDC.put(LogCapture.ENGINE_MDC_KEY, engineId);
    try {
      LOG.info(message);
    } finally {
      MDC.remove(LogCapture.ENGINE_MDC_KEY);
    }
  }

  @Test
  void isFoundThroughServiceLoaderAndWorksWithLogback() {
    LogCapture capture = NamedProviders.all(LogCapture.class).get("logback");
    assertTrue(capture instanceof LogbackCapture, "" + NamedProviders.all(LogCapture.class));
    assertTrue(capture.available(), "slf4j is bound to logback in this module's tests");
  }

  @Test
  void routesEachEngineSEventsToItsOwnFileAndBroadcast() throws Exception {
    Path fileA = Files.createDirectories(tmp.resolve("a/logs")).resolve("kiwidb.log");
    Path fileB = Files.createDirectories(tmp.resolve("b/logs")).resolve("kiwidb.log");
    Lines linesA = new Lines();
    Lines linesB = new Lines();
    LogbackCapture capture = new LogbackCapture();
    LogCapture.Capture a = capture.start("a#1", fileA, ROLLING, linesA);
    LogCapture.Capture b = capture.start("b#2", fileB, ROLLING, linesB);
    try {
      logAs("a#1", "for a");
      logAs("b#2", "for b");
      // Unknown id with two engines: belongs to neither.
      logAs("c#3", "for nobody");
      linesA.listening = false;
      logAs("a#1", "nobody listening on a");
    } finally {
      a.close();
      b.close();
    }
    String logA = Files.readString(fileA);
    String logB = Files.readString(fileB);
    assertTrue(
        logA.contains("for a") && !logA.contains("for b") && !logA.contains("for nobody"), logA);
    assertTrue(logA.contains("nobody listening on a"), "the file still gets it: " + logA);
    assertTrue(logB.contains("for b") && !logB.contains("for a"), logB);
    assertEquals(1, linesA.lines.size(), "" + linesA.lines);
    assertTrue(
        linesA.lines.get(0).contains("INFO") && linesA.lines.get(0).endsWith("for a \n"),
        linesA.lines.get(0));
    assertEquals(1, linesB.lines.size(), "" + linesB.lines);
  }

  @Test
  void addsToTheApplicationSSetupAndRemovesItselfWithTheLastEngine() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> app = new ListAppender<>();
    app.setContext(ctx);
    app.start();
    root.addAppender(app);
    Logger kiwi = ctx.getLogger("io.kiwidb");
    int before = count(kiwi);
    try {
      Lines lines = new Lines();
      LogCapture.Capture only = new LogbackCapture().start("solo#1", null, ROLLING, lines);
      assertEquals(before + 1, count(kiwi), "one router on io.kiwidb");
      LOG.info("without an engine tag");
      assertEquals(1, lines.lines.size(), "an untagged event goes to the only engine");
      assertTrue(
          app.list.stream().anyMatch(e -> e.getFormattedMessage().equals("without an engine tag")),
          "the application's own appender still receives kiwi-db events");
      assertThrows(
          IllegalStateException.class,
          () -> new LogbackCapture().start("solo#1", null, ROLLING, lines),
          "the same id twice");
      only.close();
      only.close();
      assertEquals(before, count(kiwi), "the router left with the last engine");
      LOG.info("after close");
      assertEquals(1, lines.lines.size());
    } finally {
      root.detachAppender(app);
    }
  }

  @Test
  void refusesABindingThatIsNotLogback() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LogbackCapture.start(new NOPLoggerFactory(), "x#1", null, ROLLING, null));
    assertTrue(e.getMessage().contains("NOPLoggerFactory"), e.getMessage());
  }

  @Test
  void aLogFileThatCannotBeOpenedFailsNamingIt() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("file"), "x");
    Path bad = notADir.resolve("kiwidb.log");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new LogbackCapture().start("bad#1", bad, ROLLING, null));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    // Nothing was left registered: the id can be used again.
    new LogbackCapture().start("bad#1", null, ROLLING, null).close();
    assertFalse(Files.exists(bad));
  }

  private static int count(Logger logger) {
    int n = 0;
    for (var it = logger.iteratorForAppenders(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }
}
