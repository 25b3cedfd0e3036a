package io.kiwidb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The core module's descriptor: the memtable set for the engine, the shared node helpers for the
 * implementation modules, and no providers of its own.
 */
class MemtableModuleTest {
  private final Module module = MemTableSet.class.getModule();

  @Test
  void exportsTheSetToTheEngineAndTheHelpersToTheImplementations() {
    ModuleDescriptors.assertExports(
        module,
        Set.of(
            "io.kiwidb.memtable to io.kiwidb.engine",
            "io.kiwidb.memtable.heap to io.kiwidb.memtable.arena,"
                + "io.kiwidb.memtable.redblack,io.kiwidb.memtable.skiplist"));
  }

  /** The queue, the replay buffer and the sort are package-private behind the interface. */
  @Test
  void theEnginePackageHoldsInterfacesAndValuesOnly() {
    assertEquals(
        Set.of("BulkLoader", "FrozenMemTable", "MemTableOptions", "MemTableSet", "SequencedBatch"),
        ModuleDescriptors.assertApiPackage(module, "io.kiwidb.memtable"));
  }

  @Test
  void providesNothing() {
    assertEquals(Set.of(), module.getDescriptor().provides());
  }
}
