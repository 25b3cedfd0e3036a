package io.kiwidb.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** One run of the program with captured output, as a test sees it. */
record CliRun(int code, String out, String err) {
  /** Runs {@code kiwi args...} against {@code opener} with {@code stdin} as piped input. */
  static CliRun run(EngineOpener opener, String stdin, String... args) {
    return run(opener, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Runs {@code kiwi args...} against {@code opener} with {@code stdin}'s bytes piped in. */
  static CliRun run(EngineOpener opener, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(opener, new ByteArrayInputStream(stdin), out, err, false, args);
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs the program as {@code main} does, on arguments {@link ArgumentBytes} recovered. */
  static CliRun runMain(EngineOpener opener, ArgumentBytes.Recovered args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.runMain(opener, new ByteArrayInputStream(new byte[0]), out, err, false, args);
    return new CliRun(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The output lines, without trailing spaces. */
  java.util.List<String> lines() {
    return out.lines().map(String::stripTrailing).toList();
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
