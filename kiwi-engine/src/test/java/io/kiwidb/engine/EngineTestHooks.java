package io.kiwidb.engine;

import com.google.inject.Injector;
import java.time.Duration;

/**
 * What tests outside this package (the conformance suite) may reach past the public API: the close
 * drain timeout, the engine's log id and broadcast server, and its injector.
 */
public final class EngineTestHooks {
  private EngineTestHooks() {}

  /** Shortens how long {@code close()} waits for the flush pipeline. */
  public static void setCloseDrainTimeout(LsmEngine engine, Duration timeout) {
    engine.core().setDrainTimeout(timeout);
  }

  /** The engine's log id (its MDC tag). */
  public static String engineId(LsmEngine engine) {
    return engine.core().logging().engineId();
  }

  /** Lines the broadcast server dropped for slow clients. */
  public static long droppedBroadcastLines(LsmEngine engine) {
    return engine.core().logging().broadcastServer().orElseThrow().droppedLines();
  }

  /** Broadcast clients connected now. */
  public static int broadcastClients(LsmEngine engine) {
    return engine.core().logging().broadcastServer().orElseThrow().clientCount();
  }

  /** The engine's environment injector (config, logging, the implementations chosen). */
  public static Injector injector(LsmEngine engine) {
    return engine.environment().injector();
  }
}
