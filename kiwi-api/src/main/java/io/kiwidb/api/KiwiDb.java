package io.kiwidb.api;

import io.kiwidb.api.spi.EngineProvider;
import java.nio.file.Path;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens kiwi-db stores. The engine implementation is found through {@link ServiceLoader} (module
 * {@code io.kiwidb.engine}, artifact {@code io.kiwidb:kiwi-engine}), so applications compile
 * against {@code kiwi-api} alone.
 *
 * <pre>{@code
 * try (StorageEngine db = KiwiDb.open(Path.of("./data"))) {
 *   db.put(key, value);
 *   Optional<byte[]> v = db.get(key);
 * }
 * }</pre>
 */
public final class KiwiDb {
  private KiwiDb() {}

  /**
   * Opens or creates the store in {@code dataRoot}, with its config at {@code
   * <dataRoot>/config.json} (created with defaults when absent).
   *
   * @throws InvalidConfigException if the config file is malformed or holds a bad value
   * @throws KiwiException if the directory is locked by another engine, or recovery fails
   * @throws IllegalStateException if no engine implementation is on the module or class path
   */
  public static StorageEngine open(Path dataRoot) {
    return open(dataRoot, (Path) null);
  }

  /**
   * Opens or creates the store in {@code dataRoot} with the config at {@code configPath} ({@code
   * null} for {@code <dataRoot>/config.json}).
   *
   * @see #open(Path)
   */
  public static StorageEngine open(Path dataRoot, Path configPath) {
    Objects.requireNonNull(dataRoot, "dataRoot");
    return provider().open(dataRoot, configPath);
  }

  /**
   * Opens the existing store in {@code dataRoot} for reading only, with its config at {@code
   * <dataRoot>/config.json} (the defaults when absent; the file is never written).
   *
   * <p>A read-only engine sees the store as it was at open: the write-ahead log is replayed into
   * memtables in memory, and nothing is written to the directory afterwards: no log records, no
   * flushes, no compactions, no config changes, no log file. Every write call ({@code put}, {@code
   * delete}, {@code write}, {@code flush}, {@code updateConfig}) throws {@link
   * ReadOnlyEngineException}; reads, scans, snapshots, the inspection views and {@link
   * StorageEngine#checkpoint} work as usual.
   *
   * <p>Sharing: any number of read-only engines, in this process and others, may have a directory
   * open at once; a writing engine ({@link #open(Path)}) excludes them all, and they exclude it.
   * They take a shared lock on the directory's {@code LOCK} file. Nothing is ever created: where
   * the directory has no {@code LOCK} (a copy made without one), the open goes ahead unlocked.
   *
   * <p>A directory this process may not write to is opened read-only with this method only; {@link
   * #open(Path)} fails on it with a message saying which permission is missing.
   *
   * @throws KiwiException if the directory does not exist or holds no store, a writing engine has
   *     it open, or a permission is missing (the message names the path and the permission)
   * @throws InvalidConfigException if the config file is malformed or holds a bad value
   * @throws CorruptionException if the store's files are damaged
   * @throws UnsupportedOperationException if the installed engine cannot open stores read-only
   * @throws IllegalStateException if no engine implementation is on the module or class path
   */
  public static StorageEngine openReadOnly(Path dataRoot) {
    return openReadOnly(dataRoot, OpenOptions.defaults());
  }

  /**
   * Opens the existing store in {@code dataRoot} for reading only, with the config at {@code
   * configPath} ({@code null} for {@code <dataRoot>/config.json}).
   *
   * @see #openReadOnly(Path)
   */
  public static StorageEngine openReadOnly(Path dataRoot, Path configPath) {
    return openReadOnly(dataRoot, OpenOptions.defaults().withConfigFile(configPath));
  }

  /**
   * Opens the existing store in {@code dataRoot} for reading only, with {@code options}: its config
   * file, whether it runs its log broadcast, and who hears of recovery progress.
   *
   * @see #openReadOnly(Path)
   */
  public static StorageEngine openReadOnly(Path dataRoot, OpenOptions options) {
    Objects.requireNonNull(dataRoot, "dataRoot");
    Objects.requireNonNull(options, "options");
    return provider().openReadOnly(dataRoot, options);
  }

  /**
   * Opens or creates the store in {@code dataRoot} with {@code options}: its config file, whether
   * it runs its log broadcast, and who hears of recovery progress.
   *
   * @see #open(Path)
   */
  public static StorageEngine open(Path dataRoot, OpenOptions options) {
    Objects.requireNonNull(dataRoot, "dataRoot");
    Objects.requireNonNull(options, "options");
    return provider().open(dataRoot, options);
  }

  private static EngineProvider provider() {
    return ServiceLoader.load(EngineProvider.class)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no kiwi-db engine found: add the module io.kiwidb.engine"
                        + " (Maven artifact io.kiwidb:kiwi-engine) to the module or class path"));
  }
}
