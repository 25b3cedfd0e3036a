package io.kiwidb.sstable.ribbon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code ribbon} filter policy and exports nothing. */
class RibbonModuleTest {
  @Test
  void providesOnlyThePolicy() {
    FilterPolicy p =
        ModuleDescriptors.assertImplementationModule(
            RibbonFilterPolicy.class.getModule(),
            FilterPolicy.class,
            RibbonFilterPolicy.class,
            "ribbon");
    assertEquals("ribbon", p.name());
  }
}
