package io.kiwidb.memtable.skiplist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code skiplist} memtable and exports nothing. */
class SkipListModuleTest {
  @Test
  void providesOnlyTheMemtable() {
    MemTableFactory f =
        ModuleDescriptors.assertImplementationModule(
            SkipListMemTableFactory.class.getModule(),
            MemTableFactory.class,
            SkipListMemTableFactory.class,
            "skiplist");
    assertEquals("skiplist", f.name());
    assertEquals(Long.MAX_VALUE, f.maxMemTableSizeBytes(), "no size limit");
  }
}
