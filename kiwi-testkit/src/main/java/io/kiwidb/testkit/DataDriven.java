package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;

/**
 * Golden files in the style of Pebble's {@code datadriven} package. A file is a list of cases:
 *
 * <pre>
 * # comments (kept on rewrite)
 * command arg=value ...
 * input lines
 * ----
 * expected output lines
 * (blank line)
 * </pre>
 *
 * <p>Run with {@code -Dkiwi.golden.rewrite=true} to replace every expected output with what the
 * code produces now; review the diff with git before committing it.
 *
 * <p>Test code only: it reads and writes the source tree directly (surefire's working directory is
 * the module), which is why it uses {@code java.nio.file.Files} rather than the FileSystem seam.
 * Every golden-file test of the project runs through it: compaction pickers, merging and pruning
 * iterators, and the manifest's version edits and queries.
 */
public final class DataDriven {
  /** The system property that switches to rewrite mode. */
  public static final String REWRITE = "kiwi.golden.rewrite";

  /** One case: its command line, input lines and expected output, and where it starts. */
  public record Case(
      int line, List<String> comments, String command, List<String> input, String expected) {
    /** The command's first word. */
    public String verb() {
      return command.split("\\s+", 2)[0];
    }

    /** The command's {@code key=value} arguments, or {@code fallback} when absent. */
    public String arg(String key, String fallback) {
      for (String word : command.trim().split("\\s+")) {
        if (word.startsWith(key + "=")) {
          return word.substring(key.length() + 1);
        }
      }
      return fallback;
    }
  }

  private DataDriven() {}

  /** The golden file {@code src/test/resources/testdata/<name>} of the module under test. */
  public static Path file(String name) {
    return Path.of("src", "test", "resources", "testdata").resolve(name);
  }

  /** The golden files under {@code src/test/resources/testdata/<dir>}. */
  public static List<Path> files(String dir) {
    Path root = Path.of("src", "test", "resources", "testdata", dir);
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list golden files in " + root.toAbsolutePath(), e);
    }
  }

  /** Parses a golden file. */
  public static List<Case> parse(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Case> cases = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      List<String> comments = new ArrayList<>();
      while (i < lines.size() && (lines.get(i).isBlank() || lines.get(i).startsWith("#"))) {
        if (lines.get(i).startsWith("#")) {
          comments.add(lines.get(i));
        }
        i++;
      }
      if (i >= lines.size()) {
        break;
      }
      int start = i + 1;
      String command = lines.get(i++);
      List<String> input = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).equals("----")) {
        input.add(lines.get(i++));
      }
      if (i >= lines.size()) {
        throw new IllegalArgumentException(file + ":" + start + ": case has no ---- separator");
      }
      i++;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank()) {
        expected.add(lines.get(i++));
      }
      cases.add(new Case(start, comments, command, input, String.join("\n", expected)));
    }
    return cases;
  }

  /**
   * Runs every case of {@code file} through {@code run}, and either asserts each output equals the
   * expected text or, in rewrite mode, writes the outputs back into the file.
   */
  public static void check(Path file, Function<Case, String> run) {
    List<Case> cases = parse(file);
    List<String> actual = new ArrayList<>();
    for (Case c : cases) {
      String out = run.apply(c).strip();
      if (out.isEmpty() || out.lines().anyMatch(String::isBlank)) {
        throw new IllegalStateException("output must be non-empty with no blank lines: " + out);
      }
      actual.add(out);
    }
    if (Boolean.getBoolean(REWRITE)) {
      StringBuilder sb = new StringBuilder();
      for (int n = 0; n < cases.size(); n++) {
        Case c = cases.get(n);
        if (n > 0) {
          sb.append('\n');
        }
        c.comments().forEach(l -> sb.append(l).append('\n'));
        sb.append(c.command()).append('\n');
        c.input().forEach(l -> sb.append(l).append('\n'));
        sb.append("----\n").append(actual.get(n)).append('\n');
      }
      try {
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    List<Executable> checks = new ArrayList<>();
    for (int n = 0; n < cases.size(); n++) {
      Case c = cases.get(n);
      String got = actual.get(n);
      checks.add(() -> assertEquals(c.expected(), got, file.getFileName() + ":" + c.line()));
    }
    assertAll(file.getFileName().toString(), checks);
  }
}
