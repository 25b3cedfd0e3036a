package io.kiwidb.engine;

import io.kiwidb.api.AsyncStorageEngine;
import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.CompactionActivity;
import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.DiskListing;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.Limits;
import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableDetail;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.fs.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The kiwi-db engine: the reference {@code LSMEngine} in Java. See {@link StorageEngine} for the
 * contract; this class holds the lifecycle (open, close) and hands each call to the part that does
 * the work.
 *
 * <p>Logging: each call that may log runs inside the engine's log scope (its id in the MDC), so its
 * lines, and those of the WAL group it leads, reach this engine's log file and broadcast stream
 * even when several engines share the JVM (see {@code docs/logging.md}). Point reads do not: they
 * log nothing in normal operation, and the scope's thread-local updates would be a noticeable share
 * of a memtable hit.
 *
 * <p>Thread safety: every public method may be called from any thread. Writes go through the WAL's
 * group commit; reads take no lock.
 */
public final class LsmEngine implements StorageEngine {
  private final EngineCore core;
  private final AsyncView async;

  private LsmEngine(EngineCore core) {
    this.core = core;
    this.async = new AsyncView(this, core.asyncExecutor());
  }

  /**
   * Opens or creates a store on the real disk.
   *
   * @param dataRoot the data directory
   * @param configPath the config file, or {@code null} for {@code <dataRoot>/config.json}
   */
  public static LsmEngine open(Path dataRoot, Path configPath) {
    return open(FileSystems.local(), dataRoot, configPath);
  }

  /**
   * Opens or creates a store through a given file system (tests use the in-memory and
   * fault-injecting ones to simulate crashes and failures).
   */
  public static LsmEngine open(FileSystem fs, Path dataRoot, Path configPath) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(dataRoot, "dataRoot");
    return new LsmEngine(EngineCore.open(fs, dataRoot, configPath));
  }

  @Override
  public void put(byte[] key, byte[] value) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkWritable("put");
      Limits.checkKey(key);
      Limits.checkValue(value);
      core.write(List.of(new WriteBatch.Operation(false, key.clone(), value.clone())), "put");
    } finally {
      scope.close();
    }
  }

  @Override
  public void delete(byte[] key) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkWritable("delete");
      Limits.checkKey(key);
      core.write(List.of(new WriteBatch.Operation(true, key.clone(), null)), "delete");
    } finally {
      scope.close();
    }
  }

  @Override
  public void write(WriteBatch batch) {
    EngineLogging.Scope scope = core.logScope();
    try {
      Objects.requireNonNull(batch, "batch");
      core.checkWritable("write");
      if (!batch.isEmpty()) {
        core.write(batch.operations(), "write");
      }
    } finally {
      scope.close();
    }
  }

  @Override
  public Optional<byte[]> get(byte[] key) {
    core.checkOpen("get");
    Limits.checkKey(key);
    return core.getLatest(key);
  }

  @Override
  public Optional<byte[]> get(byte[] key, Snapshot snapshot) {
    core.checkOpen("get");
    Limits.checkKey(key);
    Objects.requireNonNull(snapshot, "snapshot");
    return core.get(key, snapshot.sequence());
  }

  @Override
  public boolean flush() {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkWritable("flush");
      return core.flush();
    } finally {
      scope.close();
    }
  }

  @Override
  public ConfigChange updateConfig(String key, Object value) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("updateConfig");
      return core.updateConfig(key, value);
    } finally {
      scope.close();
    }
  }

  @Override
  public EngineStats stats() {
    core.checkOpen("stats");
    return core.stats();
  }

  @Override
  public MemListing showMem() {
    core.checkOpen("showMem");
    return core.memTables().listing();
  }

  @Override
  public MemTableDetail showMem(String tableId) {
    core.checkOpen("showMem");
    Objects.requireNonNull(tableId, "tableId");
    return core.memTables()
        .detail(tableId)
        .orElseThrow(() -> new IllegalArgumentException("no memtable has id " + tableId));
  }

  @Override
  public DiskListing showDisk() {
    core.checkOpen("showDisk");
    return core.showDisk();
  }

  @Override
  public TableDetail showDisk(String fileId) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("showDisk");
      Objects.requireNonNull(fileId, "fileId");
      return core.showDisk(fileId);
    } finally {
      scope.close();
    }
  }

  @Override
  public CompactionActivity compactions() {
    core.checkOpen("compactions");
    return core.compactions();
  }

  @Override
  public LookupTrace trace(byte[] key) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("trace");
      Limits.checkKey(key);
      return core.trace(key);
    } finally {
      scope.close();
    }
  }

  @Override
  public Snapshot snapshot() {
    core.checkOpen("snapshot");
    return core.snapshot();
  }

  @Override
  public KiwiIterator iterator(ScanOptions options) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("iterator");
      return core.iterator(Objects.requireNonNull(options, "options"));
    } finally {
      scope.close();
    }
  }

  @Override
  public AsyncStorageEngine async() {
    core.checkOpen("async");
    return async;
  }

  @Override
  public Path dataRoot() {
    return core.dataRoot();
  }

  @Override
  public int logPort() {
    return core.logPort();
  }

  @Override
  public Map<String, Object> config() {
    core.checkOpen("config");
    return core.configMap();
  }

  @Override
  public void close() {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.close();
    } finally {
      scope.close();
    }
  }

  /** Whether the engine refuses writes after a background failure (for tests and the CLI). */
  public Optional<Throwable> backgroundError() {
    return Optional.ofNullable(core.backgroundError());
  }

  /** The running core, for tests in this package that need to reach past the API. */
  EngineCore core() {
    return core;
  }

  @Override
  public String toString() {
    return "LsmEngine[" + core.dataRoot() + "]";
  }

  static EngineClosedException closed(Path dataRoot, String call) {
    return new EngineClosedException("engine at " + dataRoot, call);
  }

  static BackgroundErrorException background(String call, Throwable cause) {
    return new BackgroundErrorException(call, cause);
  }
}
