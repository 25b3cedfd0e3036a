package io.kiwidb.memtable.redblack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code redblack} memtable and exports nothing. */
class RedBlackModuleTest {
  @Test
  void providesOnlyTheMemtable() {
    MemTableFactory f =
        ModuleDescriptors.assertImplementationModule(
            RedBlackTreeMemTableFactory.class.getModule(),
            MemTableFactory.class,
            RedBlackTreeMemTableFactory.class,
            "redblack");
    assertEquals("redblack", f.name());
    assertEquals(Long.MAX_VALUE, f.maxMemTableSizeBytes(), "no size limit");
  }
}
