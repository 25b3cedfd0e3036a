package io.kiwidb.cli;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.nio.file.Path;

/**
 * Opens the engine for a data directory. The program uses {@link KiwiDb#open(Path)}; tests supply
 * an in-memory engine so the commands can be checked without the engine module.
 */
@FunctionalInterface
interface EngineOpener {
  /** The production opener: the engine found on the module path. */
  EngineOpener KIWI_DB = KiwiDb::open;

  /** Opens or creates the store in {@code dataRoot}. */
  StorageEngine open(Path dataRoot);
}
