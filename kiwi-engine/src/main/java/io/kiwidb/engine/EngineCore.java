package io.kiwidb.engine;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.CheckpointInfo;
import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.memtable.FrozenMemTable;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine: the collaborators {@link LsmEngine} hands each call to (writes to the {@link
 * CommitPipeline}, reads to the {@link ReadPath}, views to the {@link Inspector}, start and close
 * to the {@link EngineLifecycle}), and the engine's open/closed state.
 *
 * <p>Thread safety: safe from any thread.
 */
final class EngineCore {
  private static final Logger log = LoggerFactory.getLogger(EngineCore.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private final DataDirectory dir;
  private final EngineLogging logging;
  private final ConfigStore config;
  private final CommitPipeline writes;
  private final FlushPipeline flushes;
  private final ReadPath reads;
  private final Inspector inspector;
  private final BackgroundErrors errors;
  private final EngineLifecycle lifecycle;
  private final ExecutorService async;
  private final WriteAccess access;
  private final Checkpointer checkpointer;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * How long close waits for the flush pipeline (the reference's 30 s). Not a config key: only
   * tests shorten it, to see the timeout path without waiting for it.
   */
  private volatile Duration drainTimeout = DRAIN_TIMEOUT;

  @Inject
  EngineCore(
      WriteAccess access,
      Checkpointer checkpointer,
      DataDirectory dir,
      EngineLogging logging,
      ConfigStore config,
      CommitPipeline writes,
      FlushPipeline flushes,
      ReadPath reads,
      Inspector inspector,
      BackgroundErrors errors,
      EngineLifecycle lifecycle,
      ExecutorService async) {
    this.access = access;
    this.checkpointer = checkpointer;
    this.dir = dir;
    this.logging = logging;
    this.config = config;
    this.writes = writes;
    this.flushes = flushes;
    this.reads = reads;
    this.inspector = inspector;
    this.errors = errors;
    this.lifecycle = lifecycle;
    this.async = async;
  }

  void start() {
    lifecycle.start();
  }

  // ---------------------------------------------------------------- state checks

  void checkOpen(String call) {
    if (closed.get()) {
      throw closedError(call);
    }
  }

  void checkWritable(String call) {
    checkOpen(call);
    access.check(call);
    errors.check(call);
  }

  boolean isReadOnly() {
    return access.isReadOnly();
  }

  CheckpointInfo checkpoint(Path target) {
    return checkpointer.checkpoint(target);
  }

  EngineClosedException closedError(String call) {
    return new EngineClosedException("engine at " + dir.root(), call);
  }

  Throwable backgroundError() {
    return errors.get();
  }

  // ---------------------------------------------------------------- writes

  void write(List<WriteBatch.Operation> ops, WriteOptions options, String call) {
    try {
      writes.write(ops, options, call);
    } catch (EngineClosedException e) {
      // The write path closed under a writer that passed the open check: say the engine closed.
      EngineClosedException closedNow = closedError(call);
      closedNow.addSuppressed(e);
      throw closedNow;
    } catch (BackgroundErrorException e) {
      throw e;
    } catch (KiwiException e) {
      log.atError()
          .setMessage("Engine write failed")
          .addKeyValue("call", call)
          .addKeyValue("error", e.toString())
          .log();
      throw e;
    }
  }

  /**
   * Freezes the active memtable (ordered with the writes around it) and, with {@code wait}, waits
   * until it and every memtable frozen before it are in tables.
   */
  boolean flush(boolean wait) {
    log.info("Engine FLUSH (manual) requested");
    Optional<FrozenMemTable> frozen = writes.freeze();
    if (frozen.isEmpty()) {
      log.info("Engine FLUSH skipped (empty memtable)");
    } else {
      log.atInfo()
          .setMessage("Engine FLUSH queued")
          .addKeyValue("snapshot_id", frozen.get().snapshotId())
          .addKeyValue("entry_count", frozen.get().entryCount())
          .log();
    }
    if (wait) {
      // Memtables are installed oldest first, so the newest one queued now covers every write
      // that returned before this call, including those that skipped the log.
      try {
        flushes.awaitAllQueuedFlushed("flush");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KiwiException("flush(wait=true) interrupted before the memtables were in tables");
      }
    }
    return frozen.isPresent();
  }

  // ---------------------------------------------------------------- collaborators

  ReadPath reads() {
    return reads;
  }

  Inspector inspector() {
    return inspector;
  }

  ConfigChange updateConfig(String key, Object value) {
    access.check("updateConfig");
    return config.update(key, value);
  }

  Path dataRoot() {
    return dir.root();
  }

  int logPort() {
    return logging.logPort();
  }

  EngineLogging logging() {
    return logging;
  }

  ExecutorService asyncExecutor() {
    return async;
  }

  /** Tags the calling thread with this engine for the duration of a call that may log. */
  EngineLogging.Scope logScope() {
    return logging.enter();
  }

  // ---------------------------------------------------------------- close

  /**
   * Closes the engine's storage (not its environment: the caller closes that after).
   *
   * @return whether this call closed it (false if it was closed already)
   * @throws RuntimeException the WAL's final sync or close failure, after everything is closed
   */
  boolean close() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    RuntimeException walFailure = lifecycle.close(drainTimeout);
    if (walFailure != null) {
      throw walFailure;
    }
    return true;
  }

  /** Shortens the close drain timeout (tests of the timeout path). */
  void setDrainTimeout(Duration timeout) {
    drainTimeout = timeout;
  }
}
