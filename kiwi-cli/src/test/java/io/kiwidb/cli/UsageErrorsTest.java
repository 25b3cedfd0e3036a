package io.kiwidb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the one-shot program says about a command line it cannot run: no command, an unknown command
 * or option, extra arguments, arguments whose bytes were lost. Always exit 2, a message in the
 * user's words (not picocli's "Unmatched argument at index 0"), and nothing opened.
 */
class UsageErrorsTest {
  @TempDir Path dir;
  FakeStorageEngine engine;

  @BeforeEach
  void setUp() {
    engine = new FakeStorageEngine(dir);
  }

  private CliRun kiwi(String... args) {
    return CliRun.run(engine.opener(), "", args);
  }

  /** The issue: {@code kiwi} alone printed the usage on stdout and exited 0. */
  @Test
  void kiwiWithNoArgumentsPrintsTheUsageOnStderrAndExitsTwo() {
    CliRun run = kiwi();
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertEquals("", run.out(), "nothing on stdout: a script reading it gets no usage text");
    assertTrue(
        run.err().startsWith("Usage: kiwi [-hV] [--read-only] [--data=<dir>] [COMMAND]"),
        run::toString);
    assertTrue(run.err().contains("Exit codes:"), run::toString);
    CliRun dataOnly = kiwi("--data", dir.toString());
    assertEquals(ExitCodes.USAGE, dataOnly.code(), dataOnly::toString);
    CliRun help = kiwi("--help");
    assertEquals(0, help.code(), "asking for help is not an error");
    assertTrue(help.out().startsWith("Usage: kiwi"), help::toString);
    assertEquals(0, engine.opens);
  }

  /** The issue: "Unmatched argument at index 0: 'frobnicate'" and, in the shell, "Try 'help '.". */
  @Test
  void anUnknownCommandIsNamedWithASuggestionWhenOneIsClose() {
    CliRun typo = kiwi("gte", "--data", dir.toString(), "k");
    assertEquals(ExitCodes.USAGE, typo.code(), typo::toString);
    assertEquals(
        "kiwi: unknown command 'gte'; did you mean 'get'?\n"
            + "Try 'kiwi --help' for the list of commands.\n",
        typo.err());
    assertEquals(
        "kiwi: unknown command 'frobnicate'\nTry 'kiwi --help' for the list of commands.\n",
        kiwi("frobnicate").err());
    assertTrue(
        kiwi("stat").err().startsWith("kiwi: unknown command 'stat'; did you mean 'stats'?"));
    assertTrue(
        kiwi("FLUSH").err().startsWith("kiwi: unknown command 'FLUSH'; did you mean 'flush'?"));
    assertTrue(
        kiwi("tail").err().startsWith("kiwi: unknown command 'tail'; did you mean 'tail-log'?"));
    assertTrue(kiwi("--data", dir.toString(), "sacn").err().contains("did you mean 'scan'?"));
    assertEquals(0, engine.opens, "no engine is opened for a usage error");
  }

  @Test
  void anUnknownOptionIsNamedWithASuggestion() {
    CliRun run = kiwi("get", "--data", dir.toString(), "--jsn", "k");
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertEquals(
        "kiwi: unknown option '--jsn' for get; did you mean '--json'?\nTry 'kiwi get --help'.\n",
        run.err());
    CliRun far = kiwi("get", "--data", dir.toString(), "--frobnicate", "k");
    assertEquals(
        "kiwi: unknown option '--frobnicate' for get\nTry 'kiwi get --help'.\n", far.err());
    assertEquals(0, engine.opens);
  }

  @Test
  void anExtraArgumentShowsTheCommandsUsage() {
    CliRun run = kiwi("get", "--data", dir.toString(), "k", "extra");
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertEquals(
        "kiwi: unexpected argument 'extra' for get (usage: get [--data <dir>] [--read-only] <key>)\n"
            + "Try 'kiwi get --help'.\n",
        run.err());
  }

  /** The issue: a byte that is not UTF-8 was stored as U+FFFD, silently. */
  @Test
  void anArgumentWhoseBytesWereLostIsRefusedWhereTheyCannotBeRecovered() {
    CliRun run =
        CliRun.runMain(
            engine.opener(),
            ArgumentBytes.recover(new String[] {"put", "k", "a\uFFFD"}, null, "UTF-8"));
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertTrue(
        run.err().startsWith("kiwi: argument 3 ('a\uFFFD') holds bytes that the platform's"),
        run::toString);
    assertEquals(0, engine.opens);
  }

  @Test
  void recoveredBytesAreStoredExactly() {
    byte[] cmdline =
        "java\0-m\0io.kiwidb.cli/io.kiwidb.cli.Main\0put\0--data\0D\0k\0v?\0"
            .replace("D", dir.toString())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    cmdline[cmdline.length - 2] = (byte) 0xfe; // the value is "v" 0xfe
    String[] jvm = {"put", "--data", dir.toString(), "k", "v\uFFFD"};
    CliRun run = CliRun.runMain(engine.opener(), ArgumentBytes.recover(jvm, cmdline, "UTF-8"));
    assertEquals(0, run.code(), run::toString);
    CliRun get = kiwi("get", "--data", dir.toString(), "--hex", "6b");
    assertEquals(List.of("76fe"), get.lines(), get::toString);
  }

  @Test
  void aPathWithBytesThatAreNotUtf8IsRefusedInsteadOfOpeningAnotherOne() {
    CliRun run = kiwi("get", "--data", dir + "/\udcff", "k");
    assertEquals(ExitCodes.USAGE, run.code(), run::toString);
    assertTrue(
        run.err()
            .startsWith(
                "kiwi: Invalid value for option '--data': the path '"
                    + dir
                    + "/\\xff' holds bytes that are not UTF-8"),
        run::toString);
  }

  @Test
  void suggestionsAreCloseOrAbsent() {
    List<String> names = List.of("put", "get", "del", "delete", "scan", "stats", "tail-log");
    assertEquals(List.of("get"), DidYouMean.suggest("gte", names));
    assertEquals(List.of("put", "get"), DidYouMean.suggest("pet", names));
    assertEquals(List.of("delete"), DidYouMean.suggest("dleete", names));
    assertEquals(List.of(), DidYouMean.suggest("x", names), "one letter resembles everything");
    assertEquals(List.of(), DidYouMean.suggest("frobnicate", names));
    assertEquals(List.of("tail-log"), DidYouMean.suggest("tail", names), "a unique prefix");
    assertEquals("did you mean 'put' or 'get'?", DidYouMean.phrase("pet", names));
    assertEquals("", DidYouMean.phrase("zzzz", names));
    assertEquals(1, DidYouMean.distance("exti", "exit"), "a swap is one edit");
  }
}
