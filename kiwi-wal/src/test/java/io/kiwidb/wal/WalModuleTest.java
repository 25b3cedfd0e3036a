package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The WAL module is internal: exported only to the engine and the benchmarks. */
class WalModuleTest {
  private final Module module = WriteAheadLog.class.getModule();

  @Test
  void exportsOnlyToTheEngineAndBenchAndProvidesNothing() {
    ModuleDescriptors.assertExports(
        module, Set.of("io.kiwidb.wal to io.kiwidb.bench,io.kiwidb.engine"));
    ModuleDescriptors.assertProvidesMatchServiceFiles(module, Set.of());
  }

  @Test
  void needsOnlyTheApiAndSlf4jAtRunTime() {
    Set<String> requires = ModuleDescriptors.runtimeRequires(module);
    assertEquals(Set.of("java.base", "io.kiwidb.api", "org.slf4j"), requires);
  }
}
