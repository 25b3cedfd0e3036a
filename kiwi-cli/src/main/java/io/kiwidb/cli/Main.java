package io.kiwidb.cli;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The entry point of the {@code kiwi} command. Exit codes are listed in {@link ExitCodes}. */
public final class Main {
  private Main() {}

  /**
   * Runs the command line and exits with its code. The arguments' exact bytes are taken from the
   * process's command line where the platform keeps it (see {@link ArgumentBytes}).
   */
  public static void main(String[] args) {
    // stdout as a plain file stream, not System.out: a PrintStream swallows write errors, so a
    // closed pipe (`kiwi tail-log | head -1`) would go unnoticed and the tail would never stop.
    System.exit(
        runMain(
            EngineOpener.KIWI_DB,
            System.in,
            new FileOutputStream(FileDescriptor.out),
            System.err,
            isTerminal(),
            ArgumentBytes.ofThisProcess(args)));
  }

  /**
   * Runs the program on arguments as {@link ArgumentBytes} recovered them: refuses them (usage
   * error) when an argument's bytes were lost and cannot be recovered.
   */
  static int runMain(
      EngineOpener opener,
      InputStream in,
      OutputStream out,
      OutputStream err,
      boolean terminal,
      ArgumentBytes.Recovered args) {
    if (args.refusal() != null) {
      PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
      e.println("kiwi: " + args.refusal());
      e.flush();
      return ExitCodes.USAGE;
    }
    return run(opener, in, out, err, terminal, args.args());
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
    handleErrors(
        cl, "kiwi: ", sub -> sub.getCommandSpec().qualifiedName(" ") + " --help", List.of());
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
   * exactly as the engine wrote it) and exit with the code {@link ExitCodes#of} gives. Also
   * installs the checked conversion of path arguments ({@link #toPath}).
   *
   * @param helpFor the help command for a (sub)command, as the user types it
   * @param extraCommands names the host accepts besides the subcommands (the shell's help, exit),
   *     for suggestions on a mistyped command
   */
  static void handleErrors(
      CommandLine cl,
      String prefix,
      Function<CommandLine, String> helpFor,
      List<String> extraCommands) {
    cl.registerConverter(Path.class, Main::toPath);
    cl.setParameterExceptionHandler(
        (ParameterException ex, String[] args) -> {
          CommandLine at = ex.getCommandLine();
          PrintWriter err = at.getErr();
          boolean unknownCommand = isUnknownCommand(ex);
          err.println(prefix + ArgumentBytes.show(usageMessage(ex, extraCommands)));
          err.println(
              "Try '"
                  + helpFor.apply(at)
                  + "'"
                  + (unknownCommand ? " for the list of commands" : "")
                  + ".");
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

  /** A word where a command belongs that names none (picocli: "Unmatched argument at index 0"). */
  private static boolean isUnknownCommand(ParameterException ex) {
    return ex instanceof UnmatchedArgumentException u
        && !u.isUnknownOption()
        && ex.getCommandLine().getCommandSpec().parent() == null
        && !u.getUnmatched().isEmpty();
  }

  /**
   * The message for a usage error: picocli's, except for arguments nothing matched, which picocli
   * words by their index in the whole command line ("Unmatched argument at index 0").
   */
  static String usageMessage(ParameterException ex, List<String> extraCommands) {
    if (!(ex instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
      return ex.getMessage();
    }
    CommandLine at = ex.getCommandLine();
    String first = u.getUnmatched().get(0);
    if (isUnknownCommand(ex)) {
      List<String> names = new ArrayList<>(at.getSubcommands().keySet());
      names.addAll(extraCommands);
      String hint = DidYouMean.phrase(first, names);
      return "unknown command '" + first + "'" + (hint.isEmpty() ? "" : "; " + hint);
    }
    boolean root = at.getCommandSpec().parent() == null;
    String where = root ? "" : " for " + at.getCommandName();
    if (u.isUnknownOption()) {
      String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
      String hint = DidYouMean.phrase(name, at.getCommandSpec().optionsMap().keySet());
      return "unknown option '" + name + "'" + where + (hint.isEmpty() ? "" : "; " + hint);
    }
    return "unexpected argument '"
        + first
        + "'"
        + where
        + (root ? "" : " (usage: " + Shell.synopsis(at) + ")");
  }

  /**
   * Converts a path argument, refusing one that Java would silently open under another name: bytes
   * that are not UTF-8 (kept by {@link ArgumentBytes}), or characters the JVM's file name encoding
   * (from the locale) cannot represent, which it would replace by '?'.
   */
  static Path toPath(String text) {
    if (!hasOnlyPairs(text)) {
      throw new TypeConversionException(
          "the path '"
              + ArgumentBytes.show(text)
              + "' holds bytes that are not UTF-8, which Java cannot use in a file name; rename"
              + " the file or directory");
    }
    String encoding = System.getProperty("sun.jnu.encoding");
    if (encoding != null && Charset.isSupported(encoding)) {
      Charset names = Charset.forName(encoding);
      if (!names.newEncoder().canEncode(text)) {
        throw new TypeConversionException(
            "the path '"
                + text
                + "' has characters that this JVM's file name encoding ("
                + names.name()
                + ", from the locale) cannot represent; run kiwi under a UTF-8 locale, e.g."
                + " LC_ALL=C.UTF-8");
      }
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw new TypeConversionException("the path '" + text + "' is not valid: " + e.getReason());
    }
  }

  /** Whether every surrogate in {@code text} is half of a pair (no byte kept as U+DCNN). */
  private static boolean hasOnlyPairs(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
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
