package io.kiwidb.server;

/**
 * The web terminal's hook: runs one command line of the {@code kiwi shell} language against the
 * server's engine and returns what it printed. kiwi-server does not parse these commands itself;
 * the program that starts the server (the {@code kiwi serve} command of kiwi-cli) supplies an
 * implementation backed by the shell's own commands, so the web terminal and {@code kiwi shell}
 * cannot drift apart.
 *
 * <p>Thread safety: the server may call {@link #run} from several request threads at once;
 * implementations serialise as they need to.
 */
@FunctionalInterface
public interface CommandRunner {
  /**
   * Runs one command line, e.g. {@code "get user:1"} or {@code "scan --prefix user: --json"}.
   *
   * @param line the line as typed (never null, at most {@link #MAX_LINE_CHARS} characters)
   * @return the exit code and the text written to standard output and standard error
   */
  Result run(String line);

  /** The longest command line the server passes on; longer ones are refused before the call. */
  int MAX_LINE_CHARS = 64 * 1024;

  /**
   * What a command line did.
   *
   * @param exitCode the command's exit code, as {@code kiwi shell} reports it (0 = ok)
   * @param output what it wrote to standard output
   * @param errors what it wrote to standard error
   */
  record Result(int exitCode, String output, String errors) {
    /** Replaces null texts with empty ones. */
    public Result {
      output = output == null ? "" : output;
      errors = errors == null ? "" : errors;
    }
  }
}
