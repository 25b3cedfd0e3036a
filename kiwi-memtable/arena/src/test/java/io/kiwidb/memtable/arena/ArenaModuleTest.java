package io.kiwidb.memtable.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code arena} memtable and exports nothing. */
class ArenaModuleTest {
  @Test
  void providesOnlyTheMemtable() {
    MemTableFactory f =
        ModuleDescriptors.assertImplementationModule(
            ArenaSkipListMemTableFactory.class.getModule(),
            MemTableFactory.class,
            ArenaSkipListMemTableFactory.class,
            "arena");
    assertEquals("arena", f.name());
    assertEquals(1L << 30, f.maxMemTableSizeBytes(), "1024 MiB");
    assertEquals(1L << 30, ArenaSkipListMemTableFactory.MAX_MEMTABLE_SIZE_BYTES);
  }
}
