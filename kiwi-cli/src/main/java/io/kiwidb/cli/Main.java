package io.kiwidb.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The entry point of the {@code kiwi} command. Exit codes are listed in {@link ExitCodes}. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(EngineOpener.KIWI_DB, System.in, System.out, System.err, isTerminal(), args));
  }

  /** Runs the command line against the installed engine and returns its exit code. */
  public static int run(String... args) {
    return run(EngineOpener.KIWI_DB, System.in, System.out, System.err, false, args);
  }

  /**
   * Runs the command line with an engine opener and streams of the caller's choice (tests pass an
   * in-memory engine and capture the output). Output is UTF-8.
   *
   * @param terminal whether {@code shell} may take over the terminal (false: read stdin as a
   *     script)
   */
  static int run(
      EngineOpener opener,
      InputStream in,
      OutputStream out,
      OutputStream err,
      boolean terminal,
      String... args) {
    KiwiCommand root = new KiwiCommand(opener, in, terminal);
    CommandLine cl = new CommandLine(root);
    for (Class<?> c : EngineCommands.ALL) {
      cl.addSubcommand(c);
    }
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    cl.setOut(o).setErr(e);
    handleErrors(cl, "kiwi: ", sub -> sub.getCommandSpec().qualifiedName(" ") + " --help");
    try {
      return cl.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /**
   * Installs the error handling shared by the one-shot program and the shell: usage errors print
   * the problem and where to get help (exit 2); failures print their message (an invalid config's
   * exactly as the engine wrote it) and exit with the code {@link ExitCodes#of} gives.
   */
  static void handleErrors(CommandLine cl, String prefix, Function<CommandLine, String> helpFor) {
    cl.setParameterExceptionHandler(
        (ParameterException ex, String[] args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println(prefix + ex.getMessage());
          CommandLine sub = ex.getCommandLine();
          err.println("Try '" + helpFor.apply(sub) + "'.");
          err.flush();
          return ExitCodes.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          int code = ExitCodes.of(ex);
          String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
          if (code == ExitCodes.INTERNAL && !(ex instanceof IllegalStateException)) {
            message = "internal error: " + ex + " (set KIWI_DEBUG=1 for the stack trace)";
          }
          err.println(prefix + message);
          if (System.getenv("KIWI_DEBUG") != null) {
            ex.printStackTrace(err);
          }
          err.flush();
          return code;
        });
  }

  /**
   * Whether stdin and stdout are a terminal. On JDK 22+ {@link System#console()} exists even when
   * redirected, so ask {@code Console.isTerminal()} where it is available.
   */
  @SuppressWarnings("SystemConsoleNull") // null on JDK 17-21; isTerminal() below covers 22+
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
