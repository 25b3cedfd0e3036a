package io.kiwidb.engine;

import io.kiwidb.api.MemTableSummary;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.memtable.MemTableSet;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the engine's background work once everything is built, and stops it in the reverse order
 * at close, after the reference engine: first no new writes, then compaction stops, the flush
 * pipeline drains (with a timeout: what it cannot flush stays in the WAL), the async threads end,
 * the WAL is synced and closed before the tables, and the tables close. Logging and the lock go
 * last, with the environment ({@link EngineEnvironment}).
 *
 * <p>Thread safety: {@link #start} once, from the opening thread; {@link #close} once, from the
 * closing one (the engine makes close idempotent).
 */
final class EngineLifecycle {
  private static final Logger log = LoggerFactory.getLogger(EngineLifecycle.class);

  private final DataDirectory dir;
  private final EngineConfig config;
  private final ConfigStore configStore;
  private final EngineLogging logging;
  private final LiveConfig liveConfig;
  private final CommitPipeline writes;
  private final WriteStall stall;
  private final FlushPipeline flushes;
  private final CompactionScheduler compactions;
  private final Storage storage;
  private final Sequencer sequencer;
  private final ExecutorService async;
  private final WriteAccess access;

  @Inject
  EngineLifecycle(
      WriteAccess access,
      DataDirectory dir,
      EngineConfig config,
      ConfigStore configStore,
      EngineLogging logging,
      LiveConfig liveConfig,
      CommitPipeline writes,
      WriteStall stall,
      FlushPipeline flushes,
      CompactionScheduler compactions,
      Storage storage,
      Sequencer sequencer,
      ExecutorService async) {
    this.access = access;
    this.dir = dir;
    this.config = config;
    this.configStore = configStore;
    this.logging = logging;
    this.liveConfig = liveConfig;
    this.writes = writes;
    this.stall = stall;
    this.flushes = flushes;
    this.compactions = compactions;
    this.storage = storage;
    this.sequencer = sequencer;
    this.async = async;
  }

  /**
   * Follows live config changes, starts the flush and compaction workers, and runs the startup
   * compaction check (L0 may already be at its threshold) and the flushes of memtables that
   * recovery filled.
   */
  void start() {
    // Read-only: no flush or compaction workers, so nothing is ever written; memtables that
    // recovery filled stay in memory.
    if (!access.isReadOnly()) {
      configStore.addListener(liveConfig);
      flushes.start(config.flushMaxWorkers(), daemon(logging, "flush"));
      compactions.start(config.compactionMaxWorkers(), daemon(logging, "compaction"));
      compactions.levelsChanged();
      flushes.wake();
    }
    log.atInfo()
        .setMessage("Startup complete")
        .addKeyValue("data_root", dir.root())
        .addKeyValue("live_keys", storage.memTables().activeSummary().entryCount())
        .addKeyValue("seq", sequencer.visible())
        .addKeyValue("l0_sstables", storage.tables().l0Count())
        .addKeyValue("log_port", logging.logPort())
        .addKeyValue("log_socket", logging.logSocket().orElse(null))
        .addKeyValue("read_only", access.isReadOnly())
        .log();
  }

  /**
   * Stops everything in order; each step runs even if an earlier one failed (failures are logged).
   *
   * @param drainTimeout how long the flush pipeline may take to drain
   * @return the WAL's close failure (its final sync or close failed), or null: the caller of {@code
   *     close()} must hear of it, because in {@code wal_sync_mode=none} that sync is what makes the
   *     last writes durable
   */
  RuntimeException close(Duration drainTimeout) {
    log.atInfo().setMessage("Shutdown started").addKeyValue("data_root", dir.root()).log();
    configStore.removeListener(liveConfig);
    // Writes made without the log (disableWal) are in no log a reopen could replay: close
    // freezes their memtable so the drain below writes it to a table.
    quietly("close the write path", () -> writes.close(storage.tables().lastSequence()));
    stall.close();
    if (!access.isReadOnly()) {
      quietly("stop compactions", compactions::stop);
      quietly("drain the flush pipeline", () -> flushes.stopAndDrain(drainTimeout));
    }
    long unlogged = writes.lastUnloggedSequence();
    if (unlogged > storage.tables().lastSequence()) {
      log.atWarn()
          .setMessage("Writes made without the WAL are not in tables and are lost")
          .addKeyValue("last_unlogged_seq", unlogged)
          .addKeyValue("tables_last_seq", storage.tables().lastSequence())
          .log();
    }
    MemTableSet mems = storage.memTables();
    MemTableSummary active = mems.activeSummary();
    log.atInfo()
        .setMessage("MemTable state at shutdown")
        .addKeyValue("active_entries", active.entryCount())
        .addKeyValue("active_size_bytes", active.sizeBytes())
        .addKeyValue("immutable_queue_len", mems.queueLength())
        .addKeyValue("seq", sequencer.visible())
        .log();
    async.shutdown();
    try {
      async.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RuntimeException walFailure = quietly("close WAL", storage.wal()::close);
    log.info("WAL closed");
    quietly("close tables", storage.tables()::close);
    log.info("SSTables closed");
    return walFailure;
  }

  /** Runs a close step; logs and returns its failure, so the remaining steps still run. */
  private static RuntimeException quietly(String what, Runnable step) {
    try {
      step.run();
      return null;
    } catch (RuntimeException e) {
      log.atWarn().setMessage("Close step failed").addKeyValue("step", what).setCause(e).log();
      return e;
    }
  }

  /** Daemon threads tagged with the engine's log id, for one role. */
  static ThreadFactory daemon(EngineLogging logging, String role) {
    ThreadFactory tagged = logging.threadFactory(role);
    return r -> {
      Thread t = tagged.newThread(r);
      t.setDaemon(true);
      return t;
    };
  }
}
