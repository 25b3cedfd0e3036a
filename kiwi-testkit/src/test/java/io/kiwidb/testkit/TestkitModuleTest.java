package io.kiwidb.testkit;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TestkitModuleTest {
  @Test
  void exportsOnlyTheTestkitPackageAndProvidesNothing() {
    Module m = InMemoryFileSystem.class.getModule();
    ModuleDescriptors.assertExports(m, Set.of("io.kiwidb.testkit"));
    ModuleDescriptors.assertProvidesMatchServiceFiles(m, Set.of());
  }
}
