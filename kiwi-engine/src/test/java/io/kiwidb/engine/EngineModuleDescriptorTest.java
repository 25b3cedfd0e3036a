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

/**
 * kiwi-engine's descriptor: only the builder package exported; Guice and Jackson inside; slf4j's
 * API and no logging backend.
 */
class EngineModuleDescriptorTest {
  private final Module module = DataDirectory.class.getModule();

  @Test
  void exportsTheBuilderPackageOnly() {
    ModuleDescriptors.assertExports(module, Set.of("io.kiwidb.engine"));
  }

  /**
   * The exported package shows applications LsmEngine, its builder and the provider; every
   * collaborator in it is package-private.
   */
  @Test
  void theExportedPackageShowsOnlyTheEngineAndItsProvider() throws Exception {
    Set<String> shown = new TreeSet<>();
    for (Class<?> c :
        new Class<?>[] {
          CommitPipeline.class,
          FlushPipeline.class,
          CompactionScheduler.class,
          ReadPath.class,
          EngineCore.class,
          StorageOpener.class,
          DataDirectory.class,
          EngineEnvironment.class
        }) {
      if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
        shown.add(c.getSimpleName());
      }
    }
    assertEquals(Set.of(), shown, "collaborators are package-private");
    assertTrue(java.lang.reflect.Modifier.isPublic(LsmEngine.Builder.class.getModifiers()));
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
            "io.kiwidb.engine", Set.of("com.google.guice")),
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
                "jdk.net")),
        requires);
  }

  @Test
  void usesNothingItselfBecauseNamedProvidersDeclaresTheSpis() {
    // SpiCatalog.installed() goes through io.kiwidb.api.spi.NamedProviders, whose module declares
    // `uses` for every SPI; a ServiceLoader call from this module would need its own clause.
    assertEquals(Set.of(), module.getDescriptor().uses());
  }
}
