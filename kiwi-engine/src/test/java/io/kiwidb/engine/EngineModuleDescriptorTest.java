package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.ModuleDescriptors;
import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** kiwi-engine's descriptor: nothing exported to applications; Guice, Jackson, logback inside. */
class EngineModuleDescriptorTest {
  private final Module module = DataDirectory.class.getModule();

  @Test
  void exportsOnlyTheAppenderPackageToLogback() {
    ModuleDescriptors.assertExports(
        module, Set.of("io.kiwidb.engine.logging to ch.qos.logback.core"));
  }

  @Test
  void providesNothingYet() {
    // The lead adds `provides io.kiwidb.api.spi.EngineProvider` with LsmEngine's provider.
    ModuleDescriptors.assertProvidesMatchServiceFiles(module, Set.of());
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
    Set<String> requires =
        module.getDescriptor().requires().stream()
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        new TreeSet<>(
            Set.of(
                "java.base",
                "io.kiwidb.api",
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
