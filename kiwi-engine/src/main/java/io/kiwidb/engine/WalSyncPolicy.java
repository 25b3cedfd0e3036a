package io.kiwidb.engine;

import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.wal.SyncMode;
import jakarta.inject.Inject;
import java.util.Locale;

/**
 * When the write-ahead log is synced: {@code wal_sync_mode}, which a live config change may switch.
 * {@link SyncMode#ALWAYS}: every commit group is synced before its writers return. {@link
 * SyncMode#NONE}: groups are only written (a process crash loses nothing; a power cut may lose a
 * suffix), and the flush pipeline syncs the log before it writes a table, so no table ever holds a
 * write the log could lose.
 *
 * <p>Thread safety: safe from any thread (one volatile field).
 */
final class WalSyncPolicy {
  private volatile SyncMode mode;

  @Inject
  WalSyncPolicy(EngineConfig config) {
    this(syncMode(config));
  }

  WalSyncPolicy(SyncMode mode) {
    this.mode = mode;
  }

  static SyncMode syncMode(EngineConfig c) {
    return SyncMode.fromConfig(c.walSyncMode().name().toLowerCase(Locale.ROOT));
  }

  void set(SyncMode mode) {
    this.mode = mode;
  }

  SyncMode mode() {
    return mode;
  }

  /** Whether every commit group is synced. */
  boolean syncEveryGroup() {
    return mode == SyncMode.ALWAYS;
  }
}
