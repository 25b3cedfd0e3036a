package io.kiwidb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The api module's descriptor: what users and component authors may compile against. */
class ApiModuleTest {
  private final ModuleDescriptor descriptor = KiwiDb.class.getModule().getDescriptor();

  @Test
  void exportsTheApiAndSpiPackagesUnqualified() {
    Set<String> exports = new TreeSet<>();
    for (ModuleDescriptor.Exports e : descriptor.exports()) {
      assertTrue(!e.isQualified(), e + " must not be qualified");
      exports.add(e.source());
    }
    assertEquals(Set.of("io.kiwidb.api", "io.kiwidb.api.spi"), exports);
  }

  @Test
  void usesEverySpiAndProvidesNone() {
    assertEquals(
        Set.of(
            "io.kiwidb.api.spi.EngineProvider",
            "io.kiwidb.api.spi.MemTableFactory",
            "io.kiwidb.api.spi.FilterPolicy",
            "io.kiwidb.api.spi.CompactionStrategy",
            "io.kiwidb.api.spi.Compressor",
            "io.kiwidb.api.spi.LogCapture"),
        descriptor.uses());
    assertTrue(descriptor.provides().isEmpty());
  }

  @Test
  void requiresNothingButTheJdk() {
    Set<String> requires =
        descriptor.requires().stream()
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    // Not even jdk.unsupported: the real file I/O (which unmaps tables through it) lives in
    // io.kiwidb.fs.
    assertEquals(Set.of("java.base"), requires);
  }
}
