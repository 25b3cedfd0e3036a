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
