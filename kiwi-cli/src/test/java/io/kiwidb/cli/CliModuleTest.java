package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.testkit.ModuleDescriptors;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cli module's descriptor: a program that exports nothing and opens its commands to picocli.
 */
class CliModuleTest {
  private final Module module = Main.class.getModule();

  @Test
  void exportsNothingAndProvidesNothing() {
    ModuleDescriptors.assertExports(module, Set.of());
    ModuleDescriptors.assertProvidesMatchServiceFiles(module, Set.of());
  }

  @Test
  void opensTheCommandPackageToPicocliOnly() {
    Set<String> opens =
        module.getDescriptor().opens().stream()
            .map(o -> o.source() + " to " + String.join(",", o.targets()))
            .collect(Collectors.toSet());
    assertEquals(Set.of("io.kiwidb.cli to info.picocli"), opens);
  }

  @Test
  void requiresTheApiPicocliJlineJacksonAndSignalsAndUsesTheEngineProvider() {
    Set<String> requires =
        module.getDescriptor().requires().stream()
            .filter(r -> !r.name().equals("java.base"))
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "io.kiwidb.api",
            "info.picocli",
            "org.jline",
            "com.fasterxml.jackson.databind",
            "jdk.unsupported"),
        requires);
    assertEquals(Set.of("io.kiwidb.api.spi.EngineProvider"), module.getDescriptor().uses());
  }
}
