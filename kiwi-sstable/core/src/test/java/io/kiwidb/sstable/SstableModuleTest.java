package io.kiwidb.sstable;

import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SstableModuleTest {
  @Test
  void exportsTablesOnlyToItsUsersAndRegistersCodecsBothWays() {
    Module m = TableReader.class.getModule();
    ModuleDescriptors.assertExports(
        m,
        Set.of(
            "io.kiwidb.sstable to io.kiwidb.bench,io.kiwidb.compaction,io.kiwidb.engine",
            "io.kiwidb.sstable.manifest to io.kiwidb.bench,io.kiwidb.compaction,io.kiwidb.engine",
            "io.kiwidb.sstable.store to io.kiwidb.bench,io.kiwidb.engine",
            "io.kiwidb.sstable.filter to io.kiwidb.bench,io.kiwidb.sstable.bloom,"
                + "io.kiwidb.sstable.ribbon"));
    ModuleDescriptors.assertProvidesMatchServiceFiles(
        m, Set.of("io.kiwidb.api.spi.Compressor", "io.kiwidb.api.spi.FilterPolicy"));
  }
}
