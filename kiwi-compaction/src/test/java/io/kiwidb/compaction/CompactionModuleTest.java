package io.kiwidb.compaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.testkit.ModuleDescriptors;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compaction module: internal, exported to the engine and bench, providing two strategies. */
class CompactionModuleTest {
  private final Module module = LeveledCompaction.class.getModule();

  @Test
  void exportsOnlyToTheEngineAndBench() {
    ModuleDescriptors.assertExports(
        module, Set.of("io.kiwidb.compaction to io.kiwidb.bench,io.kiwidb.engine"));
  }

  @Test
  void providesBothStrategiesInModuleInfoAndServiceFile() {
    ModuleDescriptors.assertProvidesMatchServiceFiles(
        module, Set.of("io.kiwidb.api.spi.CompactionStrategy"));
  }

  @Test
  void requiresOnlyTheApiAndTheTableModule() {
    Set<String> requires =
        module.getDescriptor().requires().stream()
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    assertEquals(Set.of("java.base", "io.kiwidb.api", "io.kiwidb.sstable"), requires);
  }

  @Test
  void strategiesAreFoundByTheirConfigNames() {
    assertInstanceOf(
        LeveledCompaction.class,
        NamedProviders.find(CompactionStrategy.class, "compaction_strategy", "leveled"));
    assertInstanceOf(
        TieredCompaction.class,
        NamedProviders.find(CompactionStrategy.class, "compaction_strategy", "tiered"));
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> NamedProviders.find(CompactionStrategy.class, "compaction_strategy", "fifo"));
    assertTrue(e.getMessage().contains("leveled") && e.getMessage().contains("tiered"));
  }
}
