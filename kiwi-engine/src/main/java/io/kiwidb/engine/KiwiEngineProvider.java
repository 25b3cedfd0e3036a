package io.kiwidb.engine;

import io.kiwidb.api.OpenOptions;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.EngineProvider;
import java.nio.file.Path;

/** Lets {@link io.kiwidb.api.KiwiDb#open} find {@link LsmEngine} through ServiceLoader. */
public final class KiwiEngineProvider implements EngineProvider {
  /** Creates the provider (ServiceLoader does this). */
  public KiwiEngineProvider() {}

  @Override
  public StorageEngine open(Path dataRoot, Path configPath) {
    return LsmEngine.open(dataRoot, configPath);
  }

  @Override
  public StorageEngine openReadOnly(Path dataRoot, OpenOptions options) {
    return LsmEngine.builder(dataRoot).options(options).readOnly(true).open();
  }

  @Override
  public StorageEngine open(Path dataRoot, OpenOptions options) {
    return LsmEngine.builder(dataRoot).options(options).open();
  }
}
