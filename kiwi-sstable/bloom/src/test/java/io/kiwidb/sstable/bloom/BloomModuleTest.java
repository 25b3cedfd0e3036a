package io.kiwidb.sstable.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code bloom} filter policy and exports nothing. */
class BloomModuleTest {
  @Test
  void providesOnlyThePolicy() {
    FilterPolicy p =
        ModuleDescriptors.assertImplementationModule(
            BloomFilterPolicy.class.getModule(),
            FilterPolicy.class,
            BloomFilterPolicy.class,
            "bloom");
    assertEquals("bloom", p.name());
  }
}
