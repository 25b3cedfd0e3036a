package io.kiwidb.sstable.manifest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.ModuleDescriptors;
import org.junit.jupiter.api.Test;

/**
 * The manifest package is exported only to the modules that build on it. (The whole-module export
 * list is asserted by the module's descriptor test; this checks this package's line.)
 */
class ManifestModuleTest {
  @Test
  void manifestPackageIsExportedOnlyToCompactionEngineAndBench() {
    Module m = VersionSet.class.getModule();
    String expected =
        "io.kiwidb.sstable.manifest to io.kiwidb.bench,io.kiwidb.compaction,io.kiwidb.engine";
    assertTrue(
        ModuleDescriptors.exports(m).contains(expected),
        () -> "exports: " + ModuleDescriptors.exports(m));
  }
}
