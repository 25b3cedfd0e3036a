package io.kiwidb.server.internal;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.WriteStallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which HTTP status an engine failure becomes. The engine's own message goes into the problem's
 * {@code detail} unchanged, so what a user reads over HTTP is what the engine said.
 *
 * <table>
 *   <caption>mapping</caption>
 *   <tr><td>{@link ProblemException}</td><td>its own status</td></tr>
 *   <tr><td>{@link InvalidConfigException}</td><td>400, field = the config key</td></tr>
 *   <tr><td>{@link IllegalArgumentException}, {@link NullPointerException}</td><td>400</td></tr>
 *   <tr><td>{@link IllegalStateException}</td><td>409</td></tr>
 *   <tr><td>{@link WriteStallException}</td><td>503 with Retry-After: 1 (safe to retry)</td></tr>
 *   <tr><td>{@link EngineClosedException}</td><td>503 (the server is shutting down)</td></tr>
 *   <tr><td>{@link BackgroundErrorException}</td><td>500 (writes stay refused until reopen)</td></tr>
 *   <tr><td>{@link CorruptionException}, {@link KiwiIOException}, other</td><td>500</td></tr>
 * </table>
 */
public final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  /** The problem for any failure thrown while handling a request. */
  public static ProblemException toProblem(Throwable t) {
    if (t instanceof ProblemException p) {
      return p;
    }
    String msg = t.getMessage() == null ? t.toString() : t.getMessage();
    if (t instanceof InvalidConfigException ice) {
      return new ProblemException(400, "invalid-config", "Invalid config value", msg, ice.key());
    }
    if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
      return new ProblemException(400, "invalid-request", "Invalid request", msg, null);
    }
    if (t instanceof IllegalStateException) {
      return new ProblemException(409, "conflict", "Conflict with the engine's state", msg, null);
    }
    if (t instanceof WriteStallException) {
      return new ProblemException(
          503, "write-stall", "Write stalled; retry later", msg, null, 1, t);
    }
    if (t instanceof EngineClosedException) {
      return new ProblemException(503, "engine-closed", "The engine is closed", msg, null, 5, t);
    }
    if (t instanceof BackgroundErrorException) {
      return new ProblemException(
          500, "background-error", "The engine stopped after a background error", msg, null);
    }
    if (t instanceof CorruptionException) {
      LOG.error("corruption while serving a request", t);
      return new ProblemException(500, "corruption", "Stored data is corrupt", msg, null);
    }
    if (t instanceof KiwiIOException) {
      LOG.error("I/O failure while serving a request", t);
      return new ProblemException(500, "io-error", "Storage I/O failed", msg, null);
    }
    if (t instanceof KiwiException) {
      LOG.error("engine failure while serving a request", t);
      return new ProblemException(500, "engine-error", "Engine failure", msg, null);
    }
    LOG.error("unexpected failure while serving a request", t);
    return new ProblemException(
        500, "internal", "Internal server error", "internal error: " + t, null, null, t);
  }
}
