package io.kiwidb.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiwi shell} with piped input: the session a script drives, line by line, with no terminal
 * features and no prompt.
 */
class ScriptedShellTest {
  @TempDir Path dir;
  FakeStorageEngine engine;

  @BeforeEach
  void setUp() {
    engine = new FakeStorageEngine(dir);
  }

  private CliRun shell(String script, String... options) {
    String[] args = new String[options.length + 3];
    args[0] = "shell";
    args[1] = "--data";
    args[2] = dir.toString();
    System.arraycopy(options, 0, args, 3, options.length);
    return CliRun.run(engine.opener(), script, args);
  }

  @Test
  void aSessionRunsTheReferenceCommandsInOrder() {
    CliRun run =
        shell(
            String.join(
                "\n",
                "# a comment, then a blank line",
                "",
                "put user:1 ada",
                "put user:2 \"grace hopper\"",
                "get user:2",
                "del user:1",
                "get user:1",
                "scan --prefix user:",
                "flush",
                "disk",
                "trace user:2",
                "config set max_memtable_entries 5",
                "stats --json",
                "exit",
                "put after-exit x"));
    assertEquals(0, run.code(), run::toString);
    List<String> out = run.lines();
    assertEquals(
        List.of("OK", "OK", "grace hopper", "OK", "user:2\tgrace hopper"), out.subList(0, 5));
    assertTrue(out.contains("max_memtable_entries: 10 -> 5"), run::toString);
    assertTrue(out.get(out.size() - 1).startsWith("{\"key_count\":0,"), run::toString);
    assertTrue(run.err().contains("(not found) user:1"), run::toString);
    assertTrue(run.out().contains("2  L0        000001  maybe"), run::toString);
    assertFalse(run.out().contains("kiwi>"), "no prompt when not on a terminal");
    assertEquals(1, engine.opens);
    assertEquals(1, engine.closes, "the engine is closed when the shell ends");
    assertTrue(
        engine.opener().open(dir).get("after-exit".getBytes(UTF_8)).isEmpty(),
        "nothing runs after exit");
  }

  @Test
  void errorsArePrintedAndTheSessionGoesOn() {
    CliRun run =
        shell(
            String.join(
                "\n",
                "frobnicate",
                "put k",
                "put k \"unterminated",
                "config set max_memtable_entries lots",
                "get --hex zz",
                "mem nope",
                "put k v",
                "get k"));
    assertEquals(0, run.code(), run::toString);
    assertEquals(List.of("OK", "v"), run.lines());
    String err = run.err();
    assertTrue(
        err.contains("unknown command 'frobnicate'\nTry 'help' for the list of commands.\n"), err);
    assertTrue(
        err.contains(
            "Missing required parameter: '<value>' (or - to read it from standard input, or"
                + " --value-file <path>)\nTry 'help put'."),
        err);
    assertTrue(err.contains("unterminated \" quote in: put k \"unterminated"), err);
    assertTrue(err.contains("invalid config max_memtable_entries=\"lots\": must be a number"), err);
    assertTrue(err.contains("key 'zz' is not hex"), err);
    assertTrue(err.contains("no memtable with id 'nope'"), err);
    assertFalse(err.contains("kiwi: "), "the shell does not prefix its messages: " + err);
  }

  @Test
  void theExitCodeIsTheLastCommandsLikeSh() {
    assertEquals(ExitCodes.NOT_FOUND, shell("put a 1\nget missing\n").code());
    assertEquals(ExitCodes.USAGE, shell("get\n").code());
    assertEquals(0, shell("get missing\nput a 1\nquit\n").code());
    assertEquals(0, shell("").code(), "an empty script is fine");
  }

  @Test
  void helpListsEveryCommand() {
    CliRun run = shell("help\nhelp scan\nhelp nope\n");
    String out = run.out();
    for (String c :
        List.of(
            "put [--value-file <path>] [--sync] [--no-sync] [--no-wal] <key> [<value>]",
            "get <key>",
            "del [--sync] [--no-sync] [--no-wal] <key>",
            "scan [--prefix <p>] [--from <a>] [--to <b>] [--limit <n>] [--reverse]",
            "flush [--wait]",
            "mem [<id>]",
            "disk [<id>]",
            "stats",
            "config [set <key> <value>]",
            "trace <key>",
            "tail-log [--port <port>] [--socket <file>]",
            "help [command]",
            "exit, quit")) {
      assertTrue(
          out.contains("\n  " + c + "  ") || out.contains("\n  " + c + "\n"),
          c + " missing from:\n" + out);
    }
    assertTrue(out.contains("scan [-hV] [--base64] [--hex] [--json] [--reverse]"), out);
    assertTrue(run.err().contains("unknown command 'nope'"), run::toString);
  }

  @Test
  void shellWideOptionsSetTheDefaultsAndCommandsMayOverride() {
    CliRun run = shell("put 6b 76\nget 6b\nget --format utf8 k\n", "--hex");
    assertEquals(List.of("OK", "76", "v"), run.lines(), run::toString);
  }

  /**
   * The issue: a script whose tail-log failed still exited 0 when it ended with exit, because exit
   * reset the status. As in sh, exit without a code keeps the last command's.
   */
  @Test
  void aFailedTailLogFailsTheScriptEvenWhenItEndsWithExit() throws Exception {
    int closed;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    CliRun run = shell("tail-log --port " + closed + "\nexit\n");
    assertEquals(ExitCodes.STORAGE, run.code(), run::toString);
    assertTrue(
        run.err().startsWith("cannot connect to the log port 127.0.0.1:" + closed), run::toString);
    assertEquals(ExitCodes.NOT_FOUND, shell("get missing\nquit\n").code(), "quit keeps it too");
    assertEquals(ExitCodes.NOT_FOUND, shell("get missing\nexit\nput after exit\n").code());
  }

  @Test
  void exitTakesAnExplicitCode() {
    assertEquals(3, shell("put a 1\nexit 3\nput b 2\n").code());
    assertEquals(0, shell("get missing\nexit 0\n").code());
    CliRun bad = shell("exit soon\nput a 1\n");
    assertEquals(0, bad.code(), "a bad exit does not leave; the next command runs: " + bad);
    assertEquals(List.of("OK"), bad.lines());
    assertEquals("usage: exit [code], with a code from 0 to 255; got [soon]\n", bad.err());
    assertEquals(ExitCodes.USAGE, shell("exit 256\n").code());
  }

  /** The issue: info was documented for the shell but unknown there. */
  @Test
  void infoRunsInTheShell() {
    CliRun run = shell("info\nhelp info\n");
    assertEquals(0, run.code(), run::toString);
    assertTrue(run.out().startsWith("kiwi "), run::toString);
    assertTrue(run.out().contains("data directory: " + dir.toAbsolutePath()), run::toString);
    assertTrue(run.out().contains("memtable_impl:"), run::toString);
    assertTrue(run.out().contains("Shows the version, the data directory"), run::toString);
    assertTrue(shell("help\n").out().contains("\n  info  "), "help lists info");
  }

  @Test
  void anUnknownCommandGetsASuggestionAndExitsTwo() {
    CliRun run = shell("gte k\n");
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertEquals(
        "unknown command 'gte'; did you mean 'get'?\nTry 'help' for the list of commands.\n",
        run.err());
    CliRun builtin = shell("exti\n");
    assertTrue(
        builtin.err().startsWith("unknown command 'exti'; did you mean 'exit'?"),
        builtin::toString);
    CliRun help = shell("help sacn\n");
    assertEquals(ExitCodes.USAGE, help.code());
    assertEquals(
        "unknown command 'sacn'; did you mean 'scan'?\nTry 'help' for the list of commands.\n",
        help.err());
    CliRun option = shell("scan --prefx a\n");
    assertEquals(
        "unknown option '--prefx' for scan; did you mean '--prefix'?\nTry 'help scan'.\n",
        option.err());
  }

  @Test
  void aScriptLineThatIsNotUtf8KeepsItsBytes() {
    byte[] script = {
      'p',
      'u',
      't',
      ' ',
      'k',
      ' ',
      'a',
      (byte) 0xff,
      'b',
      '\n',
      'g',
      'e',
      't',
      ' ',
      '-',
      '-',
      'h',
      'e',
      'x',
      ' ',
      '6',
      'b',
      '\r',
      '\n'
    };
    CliRun run = CliRun.run(engine.opener(), script, "shell", "--data", dir.toString());
    assertEquals(0, run.code(), run::toString);
    assertEquals(List.of("OK", "61ff62"), run.lines(), "stored as a ff b, not a U+FFFD b");
  }

  @Test
  void putReadsAValueFileInTheShellButNotStandardInput() throws Exception {
    Path file = dir.resolve("value.bin");
    java.nio.file.Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
    CliRun run = shell("put k --value-file " + file + "\nget --hex 6b\nput k2 -\nget k2\n");
    List<String> out = run.lines();
    assertEquals(List.of("OK", "000102ff"), out, run::toString);
    assertTrue(
        run.err()
            .contains(
                "'-' reads the value from standard input, but in the shell standard input holds"
                    + " the commands; use --value-file <path>"),
        run::toString);
  }
}
