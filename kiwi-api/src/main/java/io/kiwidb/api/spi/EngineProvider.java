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
}
