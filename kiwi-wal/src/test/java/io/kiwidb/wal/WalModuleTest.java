package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The WAL module is internal: exported only to the engine, and as interfaces and values. */
class WalModuleTest {
  private final Module module = WriteAheadLog.class.getModule();

  @Test
  void exportsOnlyToTheEngineAndProvidesNothing() {
    ModuleDescriptors.assertExports(module, Set.of("io.kiwidb.wal to io.kiwidb.engine"));
    ModuleDescriptors.assertProvidesMatchServiceFiles(module, Set.of());
  }

  /** The segment writer, the segment set and the framing stay package-private. */
  @Test
  void theExportedPackageHoldsInterfacesAndValuesOnly() {
    assertEquals(
        Set.of("RecoveryMode", "SyncMode", "WalBatch", "WalReplay", "WriteAheadLog"),
        ModuleDescriptors.assertApiPackage(module, "io.kiwidb.wal"));
  }

  @Test
  void needsOnlyTheApiAndSlf4jAtRunTime() {
    Set<String> requires = ModuleDescriptors.runtimeRequires(module);
    assertEquals(Set.of("java.base", "io.kiwidb.api", "org.slf4j"), requires);
  }
}
