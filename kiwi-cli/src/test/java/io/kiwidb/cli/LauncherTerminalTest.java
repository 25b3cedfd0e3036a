package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged program through the {@code ./kiwi} launcher in a real terminal (tmux), as the
 * README's first command starts it. Builds nothing: it runs only when {@code
 * kiwi-cli/target/kiwi-cli.jar} is already there (after {@code package}).
 */
// Slow profile: it drives the packaged launcher, which the default build packages only after tests.
@Tag("slow")
class LauncherTerminalTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  @BeforeAll
  static void needsTmuxAndThePackagedJar() {
    Assumptions.assumeTrue(
        Tmux.available(), "tmux is not installed (apt-get install -y tmux); skipping");
    Assumptions.assumeTrue(
        Files.isRegularFile(REPO.resolve("kiwi-cli/target/kiwi-cli.jar")),
        "kiwi-cli/target/kiwi-cli.jar is not built (run package first); skipping");
  }

  @Test
  void infoAndShellThroughTheLauncher() throws Exception {
    Path data = dir.resolve("data");
    try (Tmux t = Tmux.start("cd '" + REPO + "' && exec bash --norc --noprofile", 120, 40)) {
      t.send("./kiwi info --data '" + data + "'; echo \"[info $?]\"", "Enter");
      String screen = t.awaitText("[info 0]", 30);
      assertTrue(screen.contains("data directory: " + data + " (does not exist yet)"), screen);
      assertTrue(screen.contains("compaction_strategy:"), screen);

      t.send("./kiwi shell --data '" + data + "' --no-history; echo \"[shell $?]\"", "Enter");
      screen =
          t.await("the shell or its error", s -> s.contains("kiwi>") || s.contains("[shell "), 30);
      if (screen.contains("engine:              not installed")) {
        // No engine on this branch yet: the shell must say so clearly and exit 5.
        screen = t.awaitText("[shell 5]", 30);
        assertTrue(screen.contains("kiwi: no kiwi-db engine found"), screen);
        return;
      }
      t.send("put k1 v1", "Enter");
      t.awaitText("OK", 10);
      t.send("get k1", "Enter");
      t.awaitText("v1\n", 10);
      t.send("exit", "Enter");
      t.awaitText("[shell 0]", 30);
    }
  }
}
