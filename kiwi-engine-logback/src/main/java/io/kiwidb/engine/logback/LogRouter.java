package io.kiwidb.engine.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.kiwidb.api.spi.LogCapture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one appender kiwi-db adds to an application's logback {@link LoggerContext}: attached to the
 * {@code io.kiwidb} logger, it hands each event to the sinks of the engine named by the event's
 * {@link LogCapture#ENGINE_MDC_KEY}. Engines register and unregister their sinks; the router
 * attaches itself with the first engine and detaches with the last.
 *
 * <p>Why one router and not one filtered appender per engine: dispatch is a map lookup instead of
 * every engine's appender examining every event, and the application's logger tree changes in one
 * place only. The router is unsynchronised (logback's {@code AppenderBase} would serialise every
 * kiwi log call in the JVM on one monitor); the sinks synchronise what they need.
 *
 * <p>An event without an engine tag goes to the only open engine if there is exactly one, and to no
 * engine file otherwise (the application's own appenders still get it).
 *
 * <p>Thread safety: {@link #doAppend} from any thread; registration is synchronised on the class.
 */
final class LogRouter extends UnsynchronizedAppenderBase<ILoggingEvent> {
  static final String LOGGER = "io.kiwidb";
  static final String NAME = "kiwidb-engine-router";

  /** One router per logger context (normally one per JVM). */
  private static final Map<LoggerContext, LogRouter> ROUTERS = new ConcurrentHashMap<>();

  private final LoggerContext loggerContext;
  private final Map<String, EngineSinks> sinks = new ConcurrentHashMap<>();
  private final ResetListener resetListener = new ResetListener();
  private volatile EngineSinks sole;

  /** Whether we set the {@code io.kiwidb} level because the application had not. */
  private boolean levelSetByUs;

  private LogRouter(LoggerContext context) {
    this.loggerContext = context;
    setContext(context);
    setName(NAME);
  }

  static synchronized void register(LoggerContext context, String engineId, EngineSinks s) {
    LogRouter r = ROUTERS.computeIfAbsent(context, LogRouter::new);
    if (r.sinks.putIfAbsent(engineId, s) != null) {
      throw new IllegalStateException("an engine with log id " + engineId + " is already open");
    }
    if (r.sinks.size() == 1) {
      r.attach();
    }
    r.updateSole();
  }

  static synchronized void unregister(LoggerContext context, String engineId) {
    LogRouter r = ROUTERS.get(context);
    if (r == null || r.sinks.remove(engineId) == null) {
      return;
    }
    r.updateSole();
    if (r.sinks.isEmpty()) {
      r.detach();
      ROUTERS.remove(context);
    }
  }

  private void updateSole() {
    sole = sinks.size() == 1 ? sinks.values().iterator().next() : null;
  }

  private void attach() {
    start();
    Logger kiwi = loggerContext.getLogger(LOGGER);
    // Engine INFO lines are its operational log; if the application never set a level for us,
    // inheriting a DEBUG root would put a line per put() into the engine file. An explicit level
    // in the application's config wins.
    if (kiwi.getLevel() == null) {
      kiwi.setLevel(Level.INFO);
      levelSetByUs = true;
    }
    kiwi.addAppender(this);
    loggerContext.addListener(resetListener);
  }

  private void detach() {
    loggerContext.removeListener(resetListener);
    Logger kiwi = loggerContext.getLogger(LOGGER);
    kiwi.detachAppender(this);
    if (levelSetByUs && kiwi.getLevel() == Level.INFO) {
      kiwi.setLevel(null);
    }
    levelSetByUs = false;
    stop();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String id = event.getMDCPropertyMap().get(LogCapture.ENGINE_MDC_KEY);
    EngineSinks s = id != null ? sinks.get(id) : sole;
    if (s != null) {
      s.append(event);
    }
  }

  /**
   * Re-attaches after the application reconfigures logback (a reset removes every appender), so a
   * config reload does not silently end the engines' own logs.
   */
  private final class ResetListener implements LoggerContextListener {
    @Override
    public boolean isResetResistant() {
      return true;
    }

    @Override
    public void onStart(LoggerContext ctx) {}

    @Override
    // The router's class lock: the one register/unregister hold (static synchronized).
    @SuppressWarnings("LockOnNonEnclosingClassLiteral")
    public void onReset(LoggerContext ctx) {
      synchronized (LogRouter.class) {
        if (!sinks.isEmpty()) {
          Logger kiwi = ctx.getLogger(LOGGER);
          if (kiwi.getLevel() == null) {
            kiwi.setLevel(Level.INFO);
            levelSetByUs = true;
          }
          if (!kiwi.isAttached(LogRouter.this)) {
            kiwi.addAppender(LogRouter.this);
          }
        }
      }
    }

    @Override
    public void onStop(LoggerContext ctx) {}

    @Override
    public void onLevelChange(Logger logger, Level level) {}
  }
}
