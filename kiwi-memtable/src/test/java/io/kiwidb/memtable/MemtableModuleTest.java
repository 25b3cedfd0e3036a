package io.kiwidb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.memtable.arena.ArenaSkipListMemTableFactory;
import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module descriptor: qualified export of the engine-facing package, two providers. */
class MemtableModuleTest {
  private final Module module = MemTableSet.class.getModule();

  @Test
  void exportsTheMemTableSetToTheEngineAndBenchOnly() {
    ModuleDescriptors.assertExports(
        module, Set.of("io.kiwidb.memtable to io.kiwidb.bench,io.kiwidb.engine"));
  }

  @Test
  void providesEveryMemtableInModuleInfoAndServiceFile() {
    ModuleDescriptors.assertProvidesMatchServiceFiles(
        module, Set.of("io.kiwidb.api.spi.MemTableFactory"));
  }

  @Test
  void serviceLoaderFindsEachByName() {
    assertEquals(
        Set.of("skiplist", "arena", "redblack"),
        NamedProviders.all(MemTableFactory.class).keySet());
  }

  @Test
  void onlyTheArenaCapsTheMemtableSize() {
    Map<String, MemTableFactory> all = NamedProviders.all(MemTableFactory.class);
    assertEquals(1L << 30, all.get("arena").maxMemTableSizeBytes(), "1024 MiB");
    assertEquals(1L << 30, ArenaSkipListMemTableFactory.MAX_MEMTABLE_SIZE_BYTES);
    assertEquals(Long.MAX_VALUE, all.get("skiplist").maxMemTableSizeBytes());
    assertEquals(Long.MAX_VALUE, all.get("redblack").maxMemTableSizeBytes());
  }
}
