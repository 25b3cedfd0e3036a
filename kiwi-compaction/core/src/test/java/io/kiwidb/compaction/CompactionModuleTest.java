package io.kiwidb.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compaction core: exported to the engine and the strategies; no strategy of its own. */
class CompactionModuleTest {
  private final Module module = Compactor.class.getModule();

  @Test
  void exportsOnlyToTheEngineAndTheStrategies() {
    ModuleDescriptors.assertExports(
        module,
        Set.of(
            "io.kiwidb.compaction to io.kiwidb.compaction.leveled,"
                + "io.kiwidb.compaction.tiered,io.kiwidb.engine"));
  }

  /** The merge machinery stays in io.kiwidb.compaction.merge, which is not exported. */
  @Test
  void theExportedPackageHoldsInterfacesAndUtilitiesOnly() {
    assertEquals(
        Set.of("Compactor", "InternalIterators", "Levels"),
        ModuleDescriptors.assertApiPackage(module, "io.kiwidb.compaction"));
  }

  @Test
  void providesNothing() {
    assertEquals(Set.of(), module.getDescriptor().provides());
  }

  @Test
  void requiresOnlyTheApiAndTheTableModule() {
    Set<String> requires =
        module.getDescriptor().requires().stream()
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    assertEquals(Set.of("java.base", "io.kiwidb.api", "io.kiwidb.sstable"), requires);
  }
}
