package io.kiwidb.engine;

import com.google.inject.Injector;
import com.google.inject.Module;
import io.kiwidb.api.OpenOptions;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.engine.internal.EngineInjector;
import io.kiwidb.engine.internal.SpiCatalog;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sequence, after the reference engine's: the environment (lock, config, logging and the
 * components named in config; {@link EngineEnvironment}), then the storage ({@link StorageOpener}:
 * memtables, tables, recovery, WAL), then the engine built around it ({@link StorageModule}) and
 * started ({@link EngineLifecycle#start}). A failure at any step closes what was opened, in reverse
 * order, and rethrows: a failed open leaves no lock held, no file open, no thread running, and
 * (through {@link FailedOpenCleanup}) no file or directory it created in a directory that held no
 * store.
 */
final class EngineOpener {
  private static final Logger log = LoggerFactory.getLogger(EngineOpener.class);

  private EngineOpener() {}

  /** An open engine and the environment it runs in (closed after it). */
  record Opened(EngineCore core, EngineEnvironment env) {}

  static Opened open(FileSystem fs, Path dataRoot, OpenOptions options, List<Module> overrides) {
    return open(fs, dataRoot, options, overrides, false);
  }

  static Opened open(
      FileSystem fs, Path dataRoot, OpenOptions options, List<Module> overrides, boolean readOnly) {
    // A read-only open creates nothing, so it has nothing to undo.
    FailedOpenCleanup cleanup =
        readOnly ? null : FailedOpenCleanup.before(fs, dataRoot, options.configFile());
    EngineEnvironment env;
    try {
      env =
          EngineEnvironment.open(
              fs, dataRoot, options, SpiCatalog.installed(), overrides, readOnly);
    } catch (RuntimeException | Error e) {
      if (cleanup != null) {
        cleanup.undo(e);
      }
      throw e;
    }
    try {
      EngineCore core = env.logging().call(() -> openCore(env));
      return new Opened(core, env);
    } catch (RuntimeException | Error e) {
      env.logging().run(() -> log.atError().setMessage("Startup failed").setCause(e).log());
      try {
        env.close();
      } finally {
        if (cleanup != null) {
          cleanup.undo(e);
        }
      }
      throw e;
    }
  }

  private static EngineCore openCore(EngineEnvironment env) {
    Storage storage = env.injector().getInstance(StorageOpener.class).open();
    try {
      Injector engine = EngineInjector.createChild(env.injector(), new StorageModule(storage));
      EngineCore core = engine.getInstance(EngineCore.class);
      core.start();
      return core;
    } catch (RuntimeException | Error e) {
      closeQuietly(storage, e);
      throw e;
    }
  }

  private static void closeQuietly(Storage storage, Throwable failure) {
    try {
      storage.wal().close();
    } catch (RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
    try {
      storage.tables().close();
    } catch (RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }
}
