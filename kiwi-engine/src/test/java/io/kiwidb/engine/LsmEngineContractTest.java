package io.kiwidb.engine;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.StorageEngineContract;
import java.nio.file.Path;
import java.util.Map;

/** {@link LsmEngine} with its default configuration runs the storage engine contract. */
class LsmEngineContractTest extends StorageEngineContract {
  @Override
  protected StorageEngine open(Path dataRoot) {
    EngineTestSupport.writeConfig(FileSystems.local(), dataRoot, Map.of("env", "dev"));
    return LsmEngine.open(FileSystems.local(), dataRoot, null);
  }
}
