package io.kiwidb.cli;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.OpenOptions;
import io.kiwidb.api.StorageEngine;
import java.nio.file.Path;

/**
 * Opens the engine for a data directory. The program uses {@link KiwiDb#open(Path, OpenOptions)}
 * and {@link KiwiDb#openReadOnly(Path, OpenOptions)}; tests supply an in-memory engine so the
 * commands can be checked without the engine module.
 */
@FunctionalInterface
interface EngineOpener {
  /** The production opener: the engine found on the module path. */
  EngineOpener KIWI_DB =
      new EngineOpener() {
        @Override
        public StorageEngine open(Path dataRoot) {
          return KiwiDb.open(dataRoot);
        }

        @Override
        public StorageEngine open(Path dataRoot, OpenOptions options) {
          return KiwiDb.open(dataRoot, options);
        }

        @Override
        public StorageEngine openReadOnly(Path dataRoot, OpenOptions options) {
          return KiwiDb.openReadOnly(dataRoot, options);
        }
      };

  /** Opens or creates the store in {@code dataRoot}. */
  StorageEngine open(Path dataRoot);

  /**
   * Opens or creates the store in {@code dataRoot} with {@code options} (one-shot commands run no
   * log broadcast). Test openers ignore the options.
   */
  default StorageEngine open(Path dataRoot, OpenOptions options) {
    return open(dataRoot);
  }

  /** Opens the existing store in {@code dataRoot} for reading only, with {@code options}. */
  default StorageEngine openReadOnly(Path dataRoot, OpenOptions options) {
    throw new UnsupportedOperationException("this opener cannot open stores read-only");
  }
}
