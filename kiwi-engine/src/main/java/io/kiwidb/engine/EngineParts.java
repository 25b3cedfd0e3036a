package io.kiwidb.engine;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.memtable.MemTableSet;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.store.TableStore;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The components of one open engine, and the order they close in: the reverse of opening, so the
 * WAL is synced and closed before the tables; then logging (with its broadcast server) stops, so
 * the whole shutdown is logged and broadcast; the lock is released last of all.
 *
 * <p>Thread safety: the fields are set once while the engine opens, before any other thread sees
 * this object (the engine's threads start after them); the components themselves are thread-safe.
 * {@code tableOptions} is volatile because live config changes replace it.
 */
final class EngineParts {
  private static final Logger log = LoggerFactory.getLogger(EngineParts.class);

  FileSystem fs;
  Path dataRoot;
  EngineEnvironment env;
  EngineCore core;
  MemTableSet memTables;
  TableStore tables;
  WriteAheadLog wal;
  WriteStall writeStall;
  FlushPipeline flushPipeline;
  CompactionScheduler compactions;
  CompactionStrategy compactionStrategy;
  volatile TableOptions tableOptions;
  ExecutorService asyncExecutor;

  ConfigStore config() {
    return env.config();
  }

  EngineLogging logging() {
    return env.logging();
  }

  CompactionOptions compactionOptions() {
    return env.config().effective().compactionOptions();
  }

  long checkIntervalMillis() {
    return Math.max(1, env.config().effective().compactionCheckInterval().toMillis());
  }

  /**
   * Closes whatever was opened, in reverse order; used by close and by a failed open. Each step
   * runs even if an earlier one failed; failures are logged.
   *
   * @param lastWords logged just before logging stops
   * @return the WAL's close failure (its final sync or close failed), or null: the caller of {@code
   *     close()} must hear of it, because in {@code wal_sync_mode=none} that sync is what makes the
   *     last writes durable
   */
  RuntimeException closeAll(Runnable lastWords) {
    RuntimeException walFailure = null;
    if (asyncExecutor != null) {
      asyncExecutor.shutdown();
      try {
        asyncExecutor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (wal != null) {
      walFailure = quietly("close WAL", wal::close);
      log.info("WAL closed");
    }
    if (tables != null) {
      quietly("close tables", tables::close);
      log.info("SSTables closed");
    }
    lastWords.run();
    if (env != null) {
      quietly("release lock and stop logging", env::close);
    }
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
}
