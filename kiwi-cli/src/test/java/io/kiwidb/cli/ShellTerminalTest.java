package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell in a real terminal, the way a person uses it: JLine's prompt, Tab
 * completion, history recall, Ctrl-C and Ctrl-D, run under tmux. The program is the real {@code
 * kiwi} over the in-memory engine ({@link FakeEngineMain}), on this test's own class path, so it
 * needs no packaged jar.
 *
 * <p>Tagged slow because it is not reliable yet: after {@code exit} or Ctrl-D the pane's pty is
 * closed (tmux reports pane_dead=1) but tmux often gets no exit status within 10 s, although a
 * manual run of the same steps exits at once every time. Whether the JVM lingers in its exit path
 * (JLine's terminal-restoring shutdown hook is a suspect) or this is tmux 3.3a's reaping is not
 * found yet. Run it with {@code -Pslow}.
 */
@Tag("slow")
class ShellTerminalTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsTmux() {
    Assumptions.assumeTrue(
        Tmux.available(), "tmux is not installed (apt-get install -y tmux); skipping");
  }

  /** Writes a script that runs the program (a long class path is too much for a tmux command). */
  private String javaCommand(String... args) throws Exception {
    // Surefire runs tests on the module path; the program under test runs on a plain class path.
    String path =
        Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
            .filter(p -> p != null && !p.isEmpty())
            .collect(Collectors.joining(File.pathSeparator));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = dir.resolve("run-kiwi.sh");
    Files.writeString(
        script,
        "exec '"
            + java
            + "' -XX:TieredStopAtLevel=1 -cp '"
            + path
            + "' io.kiwidb.cli.FakeEngineMain "
            + String.join(" ", args)
            + "\n");
    return "sh '" + script + "'";
  }

  /**
   * Waits for the terminal to be back in raw mode before a control key. A Ctrl-D that reaches the
   * tty while it is still in cooked mode (between a command's end and JLine's next read) is an
   * end-of-file for nobody and is lost; a person never types that fast after seeing the prompt,
   * tmux does. Printable keys are safe: the tty buffers them.
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(1_000);
  }

  @Test
  void aShortInteractiveSession() throws Exception {
    Path history = dir.resolve("history");
    try (Tmux t =
        Tmux.start(
            javaCommand("shell", "--data", dir.toString(), "--history", history.toString()),
            120,
            40)) {
      t.awaitText("kiwi>", 30);
      t.send("put k1 'hello world'", "Enter");
      t.awaitText("OK", 10);
      // Tab completes a command name and a config key.
      t.send("sta", "Tab");
      t.awaitText("kiwi> stats", 10);
      t.send("Enter");
      t.awaitText("key_count", 10);
      t.send("config set max_memtable_e", "Tab");
      t.awaitText("config set max_memtable_entries", 10);
      t.send("12", "Enter");
      t.awaitText("max_memtable_entries: 10 -> 12", 10);
      // History: Up recalls the put; editing the line changes the key.
      t.send("get k1", "Enter");
      t.awaitText("hello world\n", 10);
      t.send("trace k1", "Enter");
      t.awaitText("result: found: hello world", 10);
      // Ctrl-C drops a half-typed line and the shell stays.
      t.send("del k1");
      t.awaitText("kiwi> del k1", 10);
      settle();
      t.send("C-c");
      t.await("a fresh prompt", s -> s.endsWith("\nkiwi>"), 10);
      t.send("Up", "Enter");
      String screen = t.await("the trace again", s -> s.split("result: found").length > 2, 10);
      assertFalse(screen.contains("(not found) k1"), screen);
      t.send("exit", "Enter");
      assertEquals(0, t.awaitExit(10));
      screen = t.screen();
      assertTrue(screen.contains("1  memtable  a0      not checked  not read  found"), screen);
    }
    String saved = Files.readString(history);
    assertTrue(saved.contains("put k1 'hello world'"), saved);
    assertTrue(saved.contains("trace k1"), saved);
  }

  @Test
  void ctrlDAtAnEmptyPromptLeaves() throws Exception {
    try (Tmux t =
        Tmux.start(javaCommand("shell", "--data", dir.toString(), "--no-history"), 100, 20)) {
      t.awaitText("kiwi>", 30);
      settle();
      t.send("C-d");
      assertEquals(0, t.awaitExit(10));
    }
  }
}
