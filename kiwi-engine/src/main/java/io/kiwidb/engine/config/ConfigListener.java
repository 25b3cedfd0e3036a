package io.kiwidb.engine.config;

import io.kiwidb.api.ConfigChange;

/**
 * Told about each change {@link ConfigStore#update} persisted, after the file is durable. The
 * engine registers one to apply live keys (thresholds, cache sizes, worker counts, sync mode).
 *
 * <p>Called on the updating thread while the store's update lock is held, so changes arrive in
 * order; keep it short and do not call {@link ConfigStore#update} from it. An exception is logged
 * and makes the returned {@link ConfigChange#appliedLive()} false; the change stays persisted.
 */
@FunctionalInterface
public interface ConfigListener {
  /**
   * @param change the key, old and new values, and whether the key is live
   * @param config the new effective config ({@link ConfigStore#effective()}); for a reopen-only key
   *     it still holds the old value
   */
  void configChanged(ConfigChange change, EngineConfig config);
}
