package io.kiwidb.api.spi;

import io.kiwidb.api.OpenOptions;
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
   * @param options the config file, log broadcast and progress listener, as for {@link #open(Path,
   *     OpenOptions)}
   * @throws UnsupportedOperationException if this engine cannot open stores read-only
   */
  default StorageEngine openReadOnly(Path dataRoot, OpenOptions options) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot open stores read-only");
  }

  /**
   * Opens or creates a store with {@link OpenOptions}. The default serves only options that differ
   * from {@link OpenOptions#defaults()} in the config file, and refuses the others rather than
   * ignoring them.
   *
   * @throws UnsupportedOperationException if this provider cannot honour {@code options}
   */
  default StorageEngine open(Path dataRoot, OpenOptions options) {
    if (!options.logBroadcast() || options.progress() != io.kiwidb.api.ProgressListener.NONE) {
      throw new UnsupportedOperationException(
          getClass().getName() + " supports no open options but the config file: " + options);
    }
    return open(dataRoot, options.configFile());
  }
}
