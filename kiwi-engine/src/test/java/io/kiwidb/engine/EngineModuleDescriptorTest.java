package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.ModuleDescriptors;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** kiwi-engine's descriptor: nothing exported to applications; Guice, Jackson, logback inside. */
class EngineModuleDescriptorTest {
  private final Module module = DataDirectory.class.getModule();

  @Test
  void exportsOnlyTheAppenderPackageToLogbackAndTheEngineToTools() {
    ModuleDescriptors.assertExports(
        module,
        Set.of(
            "io.kiwidb.engine.logging to ch.qos.logback.core",
            "io.kiwidb.engine to io.kiwidb.bench,io.kiwidb.cli"));
  }

  @Test
  void providesTheEngineForKiwiDbOpen() {
    ModuleDescriptors.assertProvidesMatchServiceFiles(
        module, Set.of("io.kiwidb.api.spi.EngineProvider"));
  }

  @Test
  void opensConfigToJacksonAndWiringToGuiceOnly() {
    Map<String, Set<String>> opens = new TreeMap<>();
    for (ModuleDescriptor.Opens o : module.getDescriptor().opens()) {
      opens.put(o.source(), new TreeSet<>(o.targets()));
    }
    assertEquals(
        Map.of(
            "io.kiwidb.engine.config", Set.of("com.fasterxml.jackson.databind"),
            "io.kiwidb.engine.internal", Set.of("com.google.guice")),
        opens);
    assertTrue(!module.getDescriptor().isOpen());
  }

  @Test
  void requiresTheLibrariesItConfines() {
    Set<String> requires = ModuleDescriptors.runtimeRequires(module);
    assertEquals(
        new TreeSet<>(
            Set.of(
                "java.base",
                "io.kiwidb.api",
                "io.kiwidb.fs",
                "io.kiwidb.wal",
                "io.kiwidb.memtable",
                "io.kiwidb.sstable",
                "io.kiwidb.compaction",
                "com.fasterxml.jackson.databind",
                "com.google.guice",
                "jakarta.inject",
                "com.google.common",
                "org.slf4j",
                "ch.qos.logback.classic",
                "ch.qos.logback.core")),
        requires);
  }

  @Test
  void usesNothingItselfBecauseNamedProvidersDeclaresTheSpis() {
    // SpiCatalog.installed() goes through io.kiwidb.api.spi.NamedProviders, whose module declares
    // `uses` for every SPI; a ServiceLoader call from this module would need its own clause.
    assertEquals(Set.of(), module.getDescriptor().uses());
  }
}
