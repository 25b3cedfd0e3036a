package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void requiresTheApiTheServerPicocliJlineJacksonAndSignalsAndUsesTheEngineProvider() {
    Set<String> requires =
        module.getDescriptor().requires().stream()
            .filter(r -> !r.name().equals("java.base"))
            .map(ModuleDescriptor.Requires::name)
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "io.kiwidb.api",
            "io.kiwidb.fs",
            "io.kiwidb.server",
            "info.picocli",
            "org.jline",
            "com.fasterxml.jackson.databind",
            "jdk.unsupported"),
        requires);
    assertEquals(Set.of("io.kiwidb.api.spi.EngineProvider"), module.getDescriptor().uses());
  }

  /**
   * Regression: without jdk.unsupported in the module graph of {@code java -m io.kiwidb.cli}, JLine
   * could not install its SIGINT handler, and Ctrl-C during {@code tail-log} killed the whole shell
   * (exit 130) instead of returning to the prompt. LauncherTerminalTest checks the behaviour.
   */
  @Test
  void ctrlCInTheShellNeedsJdkUnsupportedInTheModuleGraph() {
    assertTrue(
        module.getDescriptor().requires().stream()
            .anyMatch(r -> r.name().equals("jdk.unsupported")));
    assertTrue(
        ModuleLayer.boot().findModule("jdk.unsupported").isPresent(),
        "resolved at run time, so JLine (an automatic module, which reads every module) sees it");
  }
}
