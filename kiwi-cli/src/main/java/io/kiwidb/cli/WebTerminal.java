package io.kiwidb.cli;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.server.CommandRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * The web terminal of {@code kiwi serve}: each line goes through a {@link Shell} over the served
 * engine, so the dashboard's terminal speaks exactly the commands, options, help and error messages
 * of {@code kiwi shell}. Output is captured per line (plain text, as in a piped shell).
 *
 * <p>Two shell words make no sense over request/response and are answered here instead: {@code
 * tail-log} (it streams until interrupted: the dashboard's Logs page is the live view) and {@code
 * exit}/{@code quit} (there is no session to leave).
 *
 * <p>Thread safety: {@link #run} is synchronized, so lines from several browser tabs run one at a
 * time, as in one shell.
 */
final class WebTerminal implements CommandRunner {
  private final StorageEngine engine;

  WebTerminal(StorageEngine engine) {
    this.engine = engine;
  }

  @Override
  public synchronized Result run(String line) {
    String first = firstWord(line);
    if (first.equals("tail-log")) {
      return new Result(
          ExitCodes.USAGE,
          "",
          "tail-log streams until Ctrl-C, which a web terminal cannot send: the Logs page shows the"
              + " same lines live\n");
    }
    if (first.equals("exit") || first.equals("quit")) {
      return new Result(
          ExitCodes.OK, "", "the web terminal has no session to leave; close the tab instead\n");
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out);
    PrintWriter e = new PrintWriter(err);
    int code = new Shell(engine, o, e, false, ByteFormat.UTF8).execute(line);
    o.flush();
    e.flush();
    return new Result(code, out.toString(), err.toString());
  }

  private static String firstWord(String line) {
    try {
      List<String> words = ShellWords.split(line.strip());
      return words.isEmpty() ? "" : words.get(0);
    } catch (IllegalArgumentException e) {
      return ""; // the shell reports the quoting error itself
    }
  }
}
