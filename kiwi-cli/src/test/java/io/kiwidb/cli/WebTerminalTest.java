package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.server.CommandRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web terminal runs the shell's own commands, with the shell's output and exit codes. */
class WebTerminalTest {
  @TempDir Path dir;

  @Test
  void linesRunThroughTheShellsCommands() {
    WebTerminal t = new WebTerminal(new FakeStorageEngine(dir));
    assertEquals(new CommandRunner.Result(0, "OK\n", ""), t.run("put 'a key' \"a value\""));
    assertEquals(new CommandRunner.Result(0, "a value\n", ""), t.run("get 'a key'"));
    CommandRunner.Result missing = t.run("get nope");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertTrue(missing.errors().contains("(not found) nope"), missing.toString());
    CommandRunner.Result json = t.run("get 'a key' --json");
    assertTrue(json.output().contains("\"found\":true"), json.toString());
    CommandRunner.Result help = t.run("help");
    assertTrue(help.output().contains("scan") && help.output().contains("trace"), help.output());
    CommandRunner.Result bad = t.run("frobnicate");
    assertEquals(ExitCodes.USAGE, bad.exitCode());
    assertTrue(bad.errors().contains("frobnicate"), bad.toString());
    CommandRunner.Result quote = t.run("get 'unterminated");
    assertEquals(ExitCodes.USAGE, quote.exitCode());
  }

  @Test
  void tailLogAndExitAreAnsweredWithoutBlocking() {
    WebTerminal t = new WebTerminal(new FakeStorageEngine(dir));
    CommandRunner.Result tail = t.run("tail-log");
    assertEquals(ExitCodes.USAGE, tail.exitCode());
    assertTrue(tail.errors().contains("Logs page"), tail.toString());
    CommandRunner.Result exit = t.run("exit");
    assertEquals(0, exit.exitCode());
    assertEquals(
        new CommandRunner.Result(0, "OK\n", ""), t.run("put k v"), "still usable after exit");
  }
}
