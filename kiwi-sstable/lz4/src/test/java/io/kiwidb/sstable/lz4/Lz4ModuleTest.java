package io.kiwidb.sstable.lz4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/** The module provides the {@code lz4} codec and exports nothing. */
class Lz4ModuleTest {
  @Test
  void providesOnlyTheCodec() {
    Compressor p =
        ModuleDescriptors.assertImplementationModule(
            Lz4Compressor.class.getModule(), Compressor.class, Lz4Compressor.class, "lz4");
    assertEquals("lz4", p.name());
    assertEquals(1, p.id(), "the block-trailer id is part of the table format");
  }
}
