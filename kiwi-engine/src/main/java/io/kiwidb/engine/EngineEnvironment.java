package io.kiwidb.engine;

import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.OpenOptions;
import io.kiwidb.api.ProgressListener;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.internal.EngineInjector;
import io.kiwidb.engine.internal.SpiCatalog;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.engine.logging.LoggingOptions;
import io.kiwidb.fs.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an engine stands on before its storage core starts: the locked data directory, the
 * config, the engine's logging and its injector, opened in the order that keeps a failed open
 * harmless.
 *
 * <p>Open order: (1) lock the data directory, so a second engine fails before touching anything;
 * (2) load or create the config, so a bad file fails with the file untouched; (3) start logging
 * (its broadcast keys come from the config) and log {@code Startup started} and {@code Config
 * loaded}; (4) build the injector from {@link EnvironmentModule}, with the caller's modules
 * overriding its bindings; (5) check that every configured implementation is installed
 * (ServiceLoader's or bound by the caller) and that the memtable can hold {@code
 * max_memtable_size_mb}, and register those checks for later updates. If any step throws,
 * everything already opened is closed again (logging, then the lock) and the exception propagates,
 * so a failed open leaves no lock held, no appender attached and no server running.
 *
 * <p>Close order: the engine shuts its storage core down first, then closes this: logging last but
 * one (so shutdown lines are still written and streamed), then the lock.
 *
 * <p>Thread safety: immutable after {@link #open}; {@link #close()} is idempotent and synchronised.
 */
final class EngineEnvironment implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EngineEnvironment.class);

  private final DataDirectory directory;
  private final ConfigStore config;
  private final EngineLogging logging;
  private final Injector injector;
  private boolean closed;

  private EngineEnvironment(
      DataDirectory directory, ConfigStore config, EngineLogging logging, Injector injector) {
    this.directory = directory;
    this.config = config;
    this.logging = logging;
    this.injector = injector;
  }

  /**
   * Opens an engine's environment.
   *
   * @param fs the file system; file logging is on only for {@link FileSystems#local()}
   * @param dataRoot the data directory
   * @param configPath the config file, or {@code null} for {@code <dataRoot>/config.json}
   * @param catalog the installed implementations ({@link SpiCatalog#installed()} in production)
   * @param overrides Guice modules whose bindings replace or add to {@link EnvironmentModule}'s (a
   *     file system, an implementation that ServiceLoader does not find)
   * @throws KiwiException if the directory is locked by another engine
   * @throws InvalidConfigException if the config is malformed, holds a bad value, names an
   *     implementation that is not installed or sets a {@code max_memtable_size_mb} larger than the
   *     memtable implementation can hold
   */
  public static EngineEnvironment open(
      FileSystem fs, Path dataRoot, Path configPath, SpiCatalog catalog, List<Module> overrides) {
    return open(
        fs, dataRoot, OpenOptions.defaults().withConfigFile(configPath), catalog, overrides, false);
  }

  /**
   * Opens an engine's environment with {@link OpenOptions} (its config file, whether the log
   * broadcast may run, and the recovery progress listener, bound for {@link RecoveryProgress}),
   * read-write, or read-only: then the directory is locked shared and nothing is created ({@link
   * DataDirectory#openReadOnly}), the config file is only read ({@link ConfigStore#openReadOnly}),
   * and there is no log file (the broadcast follows the config and the options as usual).
   *
   * @see #open(FileSystem, Path, Path, SpiCatalog, List)
   */
  public static EngineEnvironment open(
      FileSystem fs,
      Path dataRoot,
      OpenOptions options,
      SpiCatalog catalog,
      List<Module> overrides,
      boolean readOnly) {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(options, "options");
    Path configPath = options.configFile();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      DataDirectory dir =
          readOnly ? DataDirectory.openReadOnly(fs, dataRoot) : DataDirectory.open(fs, dataRoot);
      opened.add(dir);
      Path configFile = configPath != null ? configPath : dir.configFile();
      ConfigStore store =
          readOnly ? ConfigStore.openReadOnly(fs, configFile) : ConfigStore.open(fs, configFile);
      LoggingOptions logOptions =
          LoggingOptions.from(store.current(), !readOnly && fs == FileSystems.local());
      if (!options.logBroadcast()) {
        logOptions = logOptions.withBroadcast(LoggingOptions.Broadcast.OFF);
      }
      EngineLogging logging =
          EngineLogging.start(dir.logsDir(), EngineLogging.newEngineId(dir.root()), logOptions);
      opened.add(0, logging);
      Injector injector =
          logging.call(
              () -> {
                LOG.atInfo()
                    .addKeyValue("data_root", dir.root())
                    .addKeyValue("log_file", logging.logFile().orElse(null))
                    .addKeyValue("log_port", logging.logPort())
                    .addKeyValue("log_socket", logging.logSocket().orElse(null))
                    .addKeyValue("engine_id", logging.engineId())
                    .log("Startup started");
                LOG.atInfo()
                    .addKeyValue("path", store.file())
                    .addKeyValue("config", store.current().asMap())
                    .log("Config loaded");
                Injector created =
                    EngineInjector.create(
                        Modules.override(
                                new EnvironmentModule(dir, store, logging, catalog),
                                binder ->
                                    binder
                                        .bind(ProgressListener.class)
                                        .toInstance(options.progress()))
                            .with(overrides));
                if (created.getInstance(FileSystem.class) != dir.fileSystem()) {
                  // The directory, its lock, the config file and the log file are already on
                  // the builder's file system: storage on another one would split the store.
                  throw new IllegalArgumentException(
                      "a Guice module rebound FileSystem; pass the file system to"
                          + " LsmEngine.builder(dataRoot).fileSystem(fs) instead, so the data"
                          + " directory, its lock, config and logs use the same one");
                }
                SpiCatalog known = created.getInstance(SpiCatalog.class);
                known.check(store.current());
                store.addValidator(known.validator(store.effective()));
                return created;
              });
      return new EngineEnvironment(dir, store, logging, injector);
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** The locked data directory. */
  public DataDirectory directory() {
    return directory;
  }

  /** The config store. */
  public ConfigStore config() {
    return config;
  }

  /** The engine's logging: thread factories, call scopes, {@code logPort()}. */
  public EngineLogging logging() {
    return logging;
  }

  /** The engine's injector. */
  public Injector injector() {
    return injector;
  }

  /**
   * Stops logging (closing broadcast clients) and releases the lock. Call after the storage core
   * has shut down. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      logging.close();
    } finally {
      directory.close();
    }
  }
}
