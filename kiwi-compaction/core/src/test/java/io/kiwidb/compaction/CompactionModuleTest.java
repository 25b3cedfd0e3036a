package io.kiwidb.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compaction core: exported to the engine, the strategies and the benchmarks; no strategy of
 * its own (each is a module).
 */
class CompactionModuleTest {
  private final Module module = MergingIterator.class.getModule();

  @Test
  void exportsOnlyToTheEngineTheStrategiesAndBench() {
    ModuleDescriptors.assertExports(
        module,
        Set.of(
            "io.kiwidb.compaction to io.kiwidb.bench,io.kiwidb.compaction.leveled,"
                + "io.kiwidb.compaction.tiered,io.kiwidb.engine"));
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
