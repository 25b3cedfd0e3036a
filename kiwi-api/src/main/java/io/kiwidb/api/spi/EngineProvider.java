package io.kiwidb.api.spi;

import io.kiwidb.api.StorageEngine;
import java.nio.file.Path;

/**
 * Creates engines for {@link io.kiwidb.api.KiwiDb#open(Path, Path)}. Implemented by the engine
 * module; applications never call it directly.
 */
public interface EngineProvider {
  /**
   * Opens or creates a store.
   *
   * @param dataRoot the data directory
   * @param configPath the config file, or {@code null} for {@code <dataRoot>/config.json}
   */
  StorageEngine open(Path dataRoot, Path configPath);

  /**
   * Opens an existing store for reading only (see {@link io.kiwidb.api.KiwiDb#openReadOnly(Path)}).
   * The default refuses: an engine that supports it overrides this.
   *
   * @param dataRoot the data directory
   * @param configPath the config file, or {@code null} for {@code <dataRoot>/config.json}
   * @throws UnsupportedOperationException if this engine cannot open stores read-only
   */
  default StorageEngine openReadOnly(Path dataRoot, Path configPath) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot open stores read-only");
  }
}
