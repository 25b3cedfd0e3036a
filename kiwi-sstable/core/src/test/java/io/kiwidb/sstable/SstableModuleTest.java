package io.kiwidb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SstableModuleTest {
  private final Module module = TableStore.class.getModule();

  @Test
  void exportsItsApiToTheEngineAndCompactionAndTheFilterPlumbingToTheFilters() {
    ModuleDescriptors.assertExports(
        module,
        Set.of(
            "io.kiwidb.sstable to io.kiwidb.compaction,io.kiwidb.engine",
            "io.kiwidb.sstable.filter to io.kiwidb.sstable.bloom,io.kiwidb.sstable.ribbon"));
    ModuleDescriptors.assertProvidesMatchServiceFiles(
        module, Set.of("io.kiwidb.api.spi.Compressor", "io.kiwidb.api.spi.FilterPolicy"));
  }

  /** The engine and compaction see interfaces and values, never the table format or manifest. */
  @Test
  void theExportedPackageHoldsInterfacesAndValuesOnly() {
    assertEquals(
        Set.of(
            "BlockCacheStats",
            "TableCheckpoint",
            "TableCodecs",
            "TableEdit",
            "TableOptions",
            "TableStore",
            "TableStoreOptions",
            "TableVersion",
            "TableWriter"),
        ModuleDescriptors.assertApiPackage(module, "io.kiwidb.sstable"));
  }
}
