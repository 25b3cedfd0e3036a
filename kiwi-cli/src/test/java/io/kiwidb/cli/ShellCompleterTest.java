package io.kiwidb.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Tab offers in the shell. */
class ShellCompleterTest {
  private final FakeStorageEngine engine = new FakeStorageEngine(Path.of("data"));
  private final Shell shell =
      new Shell(
          engine,
          new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()),
          false,
          ByteFormat.UTF8);
  private final ShellCompleter completer =
      new ShellCompleter(shell.commandNames(), name -> OPTIONS, engine);

  private static final List<String> OPTIONS = List.of("--prefix", "--json");

  @Test
  void firstWordCompletesToEveryCommand() {
    List<String> names = completer.candidates(List.of(""), 0);
    for (String c :
        List.of(
            "put",
            "get",
            "del",
            "scan",
            "flush",
            "mem",
            "disk",
            "stats",
            "config",
            "trace",
            "tail-log",
            "help",
            "exit",
            "quit")) {
      assertTrue(names.contains(c), c + " not offered: " + names);
    }
  }

  @Test
  void configSetCompletesConfigKeys() {
    assertEquals(List.of("set"), completer.candidates(List.of("config", ""), 1));
    assertEquals(
        List.of(
            "env",
            "max_memtable_entries",
            "l0_compaction_threshold",
            "block_size",
            "bloom_fpr_dev"),
        completer.candidates(List.of("config", "set", "max"), 2));
    assertEquals(List.of(), completer.candidates(List.of("config", "set", "env", ""), 3));
  }

  @Test
  void memAndDiskCompleteLiveIds() {
    engine.put("k".getBytes(UTF_8), "v".getBytes(UTF_8));
    engine.freeze();
    engine.put("k2".getBytes(UTF_8), "v".getBytes(UTF_8));
    engine.flush();
    assertEquals(List.of("active", "a2", "s0"), completer.candidates(List.of("mem", ""), 1));
    assertEquals(List.of("000001"), completer.candidates(List.of("disk", ""), 1));
  }

  @Test
  void dashCompletesOptionsAndHelpCompletesCommands() {
    assertEquals(List.of("--prefix", "--json"), completer.candidates(List.of("scan", "--p"), 1));
    assertTrue(completer.candidates(List.of("help", ""), 1).contains("trace"));
    assertEquals(List.of(), completer.candidates(List.of("get", ""), 1));
  }
}
