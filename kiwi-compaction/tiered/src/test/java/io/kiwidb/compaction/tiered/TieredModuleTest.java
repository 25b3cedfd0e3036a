package io.kiwidb.compaction.tiered;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code tiered} compaction strategy and exports nothing. */
class TieredModuleTest {
  @Test
  void providesOnlyTheStrategy() {
    CompactionStrategy p =
        ModuleDescriptors.assertImplementationModule(
            TieredCompaction.class.getModule(),
            CompactionStrategy.class,
            TieredCompaction.class,
            "tiered");
    assertEquals("tiered", p.name());
  }
}
