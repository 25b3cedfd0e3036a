package io.kiwidb.sstable.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Data-driven tests in the style of Pebble's {@code datadriven}: a file of cases, each some input
 * lines, a {@code ----} line, then the expected output, ended by a blank line. Lines starting with
 * {@code #} between cases are comments. Run with {@code -Dkiwi.golden.rewrite=true} to rewrite the
 * expected outputs from what the code now produces (then review the diff).
 */
final class GoldenFile {
  static final String REWRITE = "kiwi.golden.rewrite";

  private GoldenFile() {}

  /** A case: its input lines, with the first line being the command. */
  record Case(int line, List<String> input) {
    String command() {
      return input.get(0).trim();
    }

    List<String> body() {
      return input.subList(1, input.size());
    }
  }

  /**
   * Runs every case of {@code file} (under {@code src/test/resources}) through {@code run} and
   * checks (or rewrites) the expected outputs.
   */
  static void run(String file, Function<Case, String> run) throws IOException {
    Path path = Path.of("src/test/resources").resolve(file);
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    StringBuilder rewritten = new StringBuilder();
    List<AssertionError> failures = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        rewritten.append(line).append('\n');
        i++;
        continue;
      }
      int start = i + 1;
      List<String> input = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).equals("----")) {
        input.add(lines.get(i++));
      }
      if (i == lines.size()) {
        throw new IllegalStateException(file + ":" + start + ": case without ----");
      }
      i++; // ----
      StringBuilder expected = new StringBuilder();
      while (i < lines.size() && !lines.get(i).isEmpty()) {
        expected.append(lines.get(i++)).append('\n');
      }
      String actual = run.apply(new Case(start, input));
      if (!actual.endsWith("\n")) {
        actual += "\n";
      }
      for (String in : input) {
        rewritten.append(in).append('\n');
      }
      rewritten.append("----\n").append(actual);
      if (!actual.equals(expected.toString())) {
        failures.add(
            new AssertionError(
                file
                    + ":"
                    + start
                    + ": "
                    + input.get(0)
                    + "\nexpected:\n"
                    + expected
                    + "actual:\n"
                    + actual));
      }
    }
    if (Boolean.getBoolean(REWRITE)) {
      Files.writeString(path, rewritten.toString(), StandardCharsets.UTF_8);
      return;
    }
    if (!failures.isEmpty()) {
      AssertionError all =
          new AssertionError(failures.size() + " case(s) differ; first: " + failures.get(0));
      failures.forEach(all::addSuppressed);
      throw all;
    }
    assertEquals(0, failures.size());
  }
}
