package io.kiwidb.engine;

import com.google.inject.Module;
import io.kiwidb.api.AsyncStorageEngine;
import io.kiwidb.api.CheckpointInfo;
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
import io.kiwidb.api.OpenOptions;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.TableDetail;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.fs.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(LsmEngine.class);

  private final EngineCore core;
  private final EngineEnvironment env;
  private final AsyncView async;

  private LsmEngine(EngineOpener.Opened opened) {
    this.core = opened.core();
    this.env = opened.env();
    this.async = new AsyncView(this, core.asyncExecutor());
  }

  /**
   * Opens or creates a store on the real disk.
   *
   * @param dataRoot the data directory
   * @param configPath the config file, or {@code null} for {@code <dataRoot>/config.json}
   */
  public static LsmEngine open(Path dataRoot, Path configPath) {
    return builder(dataRoot).config(configPath).open();
  }

  /**
   * Opens or creates a store through a given file system (tests use the in-memory and
   * fault-injecting ones to simulate crashes and failures).
   */
  public static LsmEngine open(FileSystem fs, Path dataRoot, Path configPath) {
    return builder(dataRoot).fileSystem(fs).config(configPath).open();
  }

  /**
   * Starts describing how to open the store in {@code dataRoot}: the way to give the engine its own
   * file system or Guice bindings.
   *
   * <pre>{@code
   * try (LsmEngine db = LsmEngine.builder(Path.of("data"))
   *     .modules(new AbstractModule() {
   *       @Override
   *       protected void configure() {
   *         // A memtable that is not on the module path, chosen with memtable_impl: "mine".
   *         MapBinder.newMapBinder(binder(), String.class, MemTableFactory.class)
   *             .addBinding("mine").toInstance(new MyMemTableFactory());
   *       }
   *     })
   *     .open()) {
   *   ...
   * }
   * }</pre>
   */
  public static Builder builder(Path dataRoot) {
    return new Builder(dataRoot);
  }

  /**
   * How to open a store: its directory, and optionally its config file, its file system and Guice
   * modules whose bindings replace or add to the engine's. The bindings an application may replace:
   * {@link io.kiwidb.api.spi.MemTableFactory}, {@link io.kiwidb.api.spi.FilterPolicy}, {@link
   * io.kiwidb.api.spi.CompactionStrategy} and {@link io.kiwidb.api.spi.Compressor} (the selected
   * implementation), and their {@code MapBinder<String, T>} maps, to which a module may add
   * implementations that config then names. The file system is set with {@link #fileSystem} only: a
   * module that rebinds {@link FileSystem} fails the open, since the directory, lock, config and
   * logs are opened before the modules apply.
   *
   * <p>Thread safety: not thread-safe; build on one thread.
   */
  public static final class Builder {
    private final Path dataRoot;
    private OpenOptions options = OpenOptions.defaults();
    private FileSystem fs = FileSystems.local();
    private final List<Module> modules = new ArrayList<>();
    private boolean readOnly;

    private Builder(Path dataRoot) {
      this.dataRoot = Objects.requireNonNull(dataRoot, "dataRoot");
    }

    /** The config file; {@code null} (the default) for {@code <dataRoot>/config.json}. */
    public Builder config(Path file) {
      this.options = options.withConfigFile(file);
      return this;
    }

    /**
     * The open options: config file, log broadcast, recovery progress (replaces what {@link
     * #config} set).
     */
    public Builder options(OpenOptions openOptions) {
      this.options = Objects.requireNonNull(openOptions, "openOptions");
      return this;
    }

    /** The file system the store lives in (default: the local one). */
    public Builder fileSystem(FileSystem fileSystem) {
      this.fs = Objects.requireNonNull(fileSystem, "fileSystem");
      return this;
    }

    /**
     * Opens the existing store for reading only (see {@link io.kiwidb.api.KiwiDb#openReadOnly}):
     * shared lock, nothing written, writes refused with {@link
     * io.kiwidb.api.ReadOnlyEngineException}.
     */
    public Builder readOnly(boolean value) {
      this.readOnly = value;
      return this;
    }

    /** Guice modules whose bindings override or add to the engine's (see {@link Builder}). */
    public Builder modules(Module... overrides) {
      for (Module m : overrides) {
        modules.add(Objects.requireNonNull(m, "module"));
      }
      return this;
    }

    /**
     * Opens or creates the store.
     *
     * @throws io.kiwidb.api.InvalidConfigException if the config is malformed, holds a bad value,
     *     or names an implementation that is not installed (the message names the artifact to add)
     * @throws io.kiwidb.api.KiwiException if the directory is locked by another engine, or recovery
     *     fails
     */
    public LsmEngine open() {
      return new LsmEngine(
          EngineOpener.open(fs, dataRoot, options, List.copyOf(modules), readOnly));
    }
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions options) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkWritable("put");
      Limits.checkKey(key);
      Limits.checkValue(value);
      Objects.requireNonNull(options, "options");
      core.write(
          List.of(new WriteBatch.Operation(false, key.clone(), value.clone())), options, "put");
    } finally {
      scope.close();
    }
  }

  @Override
  public void delete(byte[] key, WriteOptions options) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkWritable("delete");
      Limits.checkKey(key);
      Objects.requireNonNull(options, "options");
      core.write(List.of(new WriteBatch.Operation(true, key.clone(), null)), options, "delete");
    } finally {
      scope.close();
    }
  }

  @Override
  public void write(WriteBatch batch, WriteOptions options) {
    EngineLogging.Scope scope = core.logScope();
    try {
      Objects.requireNonNull(batch, "batch");
      Objects.requireNonNull(options, "options");
      core.checkWritable("write");
      if (!batch.isEmpty()) {
        core.write(batch.operations(), options, "write");
      }
    } finally {
      scope.close();
    }
  }

  @Override
  public Optional<byte[]> get(byte[] key) {
    core.checkOpen("get");
    Limits.checkKey(key);
    return core.reads().getLatest(key);
  }

  @Override
  public Optional<byte[]> get(byte[] key, Snapshot snapshot) {
    core.checkOpen("get");
    Limits.checkKey(key);
    Objects.requireNonNull(snapshot, "snapshot");
    return core.reads().get(key, snapshot.sequence());
  }

  @Override
  public boolean flush(boolean wait) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkWritable("flush");
      return core.flush(wait);
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
    return core.inspector().stats();
  }

  @Override
  public MemListing showMem() {
    core.checkOpen("showMem");
    return core.inspector().showMem();
  }

  @Override
  public MemTableDetail showMem(String tableId) {
    core.checkOpen("showMem");
    Objects.requireNonNull(tableId, "tableId");
    return core.inspector()
        .showMem(tableId)
        .orElseThrow(() -> new IllegalArgumentException("no memtable has id " + tableId));
  }

  @Override
  public DiskListing showDisk() {
    core.checkOpen("showDisk");
    return core.inspector().showDisk();
  }

  @Override
  public TableDetail showDisk(String fileId) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("showDisk");
      Objects.requireNonNull(fileId, "fileId");
      return core.inspector().showDisk(fileId);
    } finally {
      scope.close();
    }
  }

  @Override
  public CompactionActivity compactions() {
    core.checkOpen("compactions");
    return core.inspector().compactions();
  }

  @Override
  public LookupTrace trace(byte[] key) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("trace");
      Limits.checkKey(key);
      return core.reads().trace(key);
    } finally {
      scope.close();
    }
  }

  @Override
  public Snapshot snapshot() {
    core.checkOpen("snapshot");
    return core.reads().snapshot(() -> core.checkOpen("snapshot"));
  }

  @Override
  public KiwiIterator iterator(ScanOptions options) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("iterator");
      return core.reads().iterator(Objects.requireNonNull(options, "options"), core::checkOpen);
    } finally {
      scope.close();
    }
  }

  @Override
  public CheckpointInfo checkpoint(Path target) {
    EngineLogging.Scope scope = core.logScope();
    try {
      core.checkOpen("checkpoint");
      return core.checkpoint(target);
    } finally {
      scope.close();
    }
  }

  @Override
  public boolean isReadOnly() {
    return core.isReadOnly();
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
  public Optional<Path> logSocket() {
    return core.logging().logSocket();
  }

  @Override
  public Map<String, Object> config() {
    core.checkOpen("config");
    return core.inspector().configMap();
  }

  @Override
  public void close() {
    EngineLogging.Scope scope = core.logScope();
    try {
      if (core.close()) {
        int port = core.logPort();
        Optional<Path> socket = core.logging().logSocket();
        if (port != 0) {
          LOG.atInfo().setMessage("Log server stopping").addKeyValue("port", port).log();
        } else if (socket.isPresent()) {
          LOG.atInfo().setMessage("Log server stopping").addKeyValue("socket", socket.get()).log();
        }
        LOG.info("Shutdown complete");
      }
    } finally {
      scope.close();
      env.close();
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

  /** The environment (lock, config, logging, injector), for tests in this package. */
  EngineEnvironment environment() {
    return env;
  }

  @Override
  public String toString() {
    return "LsmEngine[" + core.dataRoot() + "]";
  }

  static EngineClosedException closed(Path dataRoot, String call) {
    return new EngineClosedException("engine at " + dataRoot, call);
  }
}
