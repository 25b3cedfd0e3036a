package io.kiwidb.cli;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.nio.file.Path;

/**
 * Opens the engine for a data directory. The program uses {@link KiwiDb#open(Path)} and {@link
 * KiwiDb#openReadOnly(Path)}; tests supply an in-memory engine so the commands can be checked
 * without the engine module.
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
        public StorageEngine openReadOnly(Path dataRoot) {
          return KiwiDb.openReadOnly(dataRoot);
        }
      };

  /** Opens or creates the store in {@code dataRoot}. */
  StorageEngine open(Path dataRoot);

  /** Opens the existing store in {@code dataRoot} for reading only. */
  default StorageEngine openReadOnly(Path dataRoot) {
    throw new UnsupportedOperationException("this opener cannot open stores read-only");
  }
}
