package io.kiwidb.compaction.leveled;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code leveled} compaction strategy and exports nothing. */
class LeveledModuleTest {
  @Test
  void providesOnlyTheStrategy() {
    CompactionStrategy p =
        ModuleDescriptors.assertImplementationModule(
            LeveledCompaction.class.getModule(),
            CompactionStrategy.class,
            LeveledCompaction.class,
            "leveled");
    assertEquals("leveled", p.name());
  }
}
