package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell the way a person uses it: the packaged program started by {@code ./kiwi
 * shell} in a real terminal (a tmux pane), driven by keystrokes, checked by what the screen shows.
 * It covers the prompt, Tab completion (command, option, config key), history recall with Up and
 * line editing, Ctrl-C (dropping a half-typed line; stopping {@code tail-log}), history kept in
 * {@code ~/.kiwi_history} across sessions, and leaving with {@code exit} and Ctrl-D.
 *
 * <p>Every wait polls the screen against a deadline, and a key that needs the line editor (Up, Tab,
 * Ctrl-C, Ctrl-D) is sent only once its prompt is on the screen, i.e. after JLine has put the
 * terminal in raw mode. Skipped when tmux is not installed.
 */
@Tag("launcher")
class LauncherTerminalTest {
  /** Generous: the JVM and the engine start on a loaded two-core machine. */
  private static final int START_SECONDS = 60;

  private static final int STEP_SECONDS = 20;

  @TempDir Path work;

  @BeforeAll
  static void needsTmuxAndThePackagedProgram() {
    Assumptions.assumeTrue(
        Tmux.available(), "tmux is not installed (apt-get install -y tmux); skipping");
    KiwiLauncher.assumePackaged();
  }

  private Tmux shell(Path data) throws Exception {
    KiwiLauncher kiwi = new KiwiLauncher(work);
    return Tmux.start(
        work,
        kiwi.environment(),
        List.of(KiwiLauncher.SCRIPT.toString(), "shell", "--data", data.toString()),
        160,
        50);
  }

  @Test
  void anInteractiveSessionThenASecondOneThatRecallsItsHistory() throws Exception {
    Path data = work.resolve("data");
    try (Tmux t = shell(data)) {
      String screen = t.awaitLastLine("kiwi>", START_SECONDS);
      assertTrue(screen.startsWith("kiwi shell on " + data), screen);

      t.type("OK", STEP_SECONDS, "put k1 'hello world'", "Enter");
      t.type("hello world\nkiwi>", STEP_SECONDS, "get k1", "Enter");

      // Up recalls the last line; Backspace edits it before it runs.
      t.send("Up");
      t.awaitLastLine("kiwi> get k1", STEP_SECONDS);
      t.send("BSpace", "9");
      t.awaitLastLine("kiwi> get k9", STEP_SECONDS);
      t.type("(not found) k9", STEP_SECONDS, "Enter");

      // Tab completes a command, an option, and a config key after "config set".
      t.awaitLastLine("kiwi>", STEP_SECONDS);
      t.send("sta", "Tab");
      t.awaitLastLine("kiwi> stats", STEP_SECONDS);
      t.type("l0_sstable_count", STEP_SECONDS, "Enter");
      t.awaitLastLine("kiwi>", STEP_SECONDS);
      t.send("scan --pre", "Tab");
      t.awaitLastLine("kiwi> scan --prefix", STEP_SECONDS);
      t.type("(1 key)", STEP_SECONDS, "k", "Enter");
      t.awaitLastLine("kiwi>", STEP_SECONDS);
      t.send("config set max_memtable_e", "Tab");
      t.awaitLastLine("kiwi> config set max_memtable_entries", STEP_SECONDS);
      t.type("-> 50", STEP_SECONDS, "50", "Enter");

      screen = t.type("result: found: hello world", STEP_SECONDS, "trace k1", "Enter");
      assertTrue(screen.contains("#  LAYER     SOURCE"), screen);

      // Ctrl-C stops tail-log and the shell goes on.
      t.type("tailing the log on 127.0.0.1:", STEP_SECONDS, "tail-log", "Enter");
      t.send("C-c");
      t.awaitText("(log closed after ", STEP_SECONDS);
      t.awaitLastLine("kiwi>", STEP_SECONDS);

      // Ctrl-C drops a half-typed line: the delete never runs.
      t.send("del k1");
      t.awaitLastLine("kiwi> del k1", STEP_SECONDS);
      t.send("C-c");
      t.awaitLastLine("kiwi>", STEP_SECONDS);
      t.type("hello world\nkiwi>", STEP_SECONDS, "get k1", "Enter");

      t.send("exit", "Enter");
      assertEquals(0, t.awaitExit(STEP_SECONDS), t::screenOrError);
    }
    // The default history file is ~/.kiwi_history (HOME is the test's directory).
    String saved = Files.readString(work.resolve(".kiwi_history"));
    assertTrue(saved.contains("put k1 'hello world'"), saved);
    assertTrue(saved.contains("get k9"), saved);

    try (Tmux t = shell(data)) {
      t.awaitLastLine("kiwi>", START_SECONDS);
      t.send("Up");
      t.awaitLastLine("kiwi> exit", STEP_SECONDS);
      t.send("Up");
      t.awaitLastLine("kiwi> get k1", STEP_SECONDS);
      t.type("hello world\nkiwi>", STEP_SECONDS, "Enter");
      t.send("C-d");
      assertEquals(0, t.awaitExit(STEP_SECONDS), t::screenOrError);
    }
  }
}
