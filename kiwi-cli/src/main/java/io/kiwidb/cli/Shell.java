package io.kiwidb.cli;

import io.kiwidb.api.StorageEngine;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code kiwi shell} session: one open engine, and a loop that reads a command line, runs it
 * through the same picocli commands as the one-shot program, and prints the result.
 *
 * <p>Two front ends share the loop: {@link #interactive} uses JLine for line editing, history and
 * completion on a terminal; {@link #script} reads plain lines when input is piped, so a script
 * drives the shell exactly like a person typing, minus the prompt. A failing command prints its
 * error and the session goes on; the session's exit code is the last command's, as in {@code sh}.
 *
 * <p>Thread safety: one session, one thread; only the interrupt hook is touched by the signal
 * thread.
 */
final class Shell {
  static final String PROMPT = "kiwi> ";

  /** The words the shell itself handles, besides the commands. */
  private static final List<String> BUILT_INS = List.of("help", "exit", "quit");

  private final StorageEngine engine;
  private final CommandLine commands;
  private final PrintWriter out;
  private final PrintWriter err;
  private volatile Runnable interrupt;
  private boolean exitRequested;
  private int lastCode = ExitCodes.OK;

  Shell(StorageEngine engine, PrintWriter out, PrintWriter err, boolean json, ByteFormat format) {
    this.engine = engine;
    this.out = out;
    this.err = err;
    this.commands = new CommandLine(new Commands(this, json, format));
    for (Class<?> c : EngineCommands.ALL) {
      commands.addSubcommand(c);
    }
    commands.addSubcommand(KiwiCommand.Info.class);
    commands.setOut(out).setErr(err);
    Main.handleErrors(
        commands,
        "",
        sub -> sub.getCommandSpec().parent() == null ? "help" : "help " + sub.getCommandName(),
        BUILT_INS);
  }

  /** The root of the shell's command tree: the host that hands every command the open engine. */
  @Command(name = "", description = "kiwi shell commands")
  static final class Commands implements EngineHost {
    private final Shell shell;
    private final boolean json;
    private final ByteFormat format;

    Commands(Shell shell, boolean json, ByteFormat format) {
      this.shell = shell;
      this.json = json;
      this.format = format;
    }

    @Override
    public int run(Access access, Action action) throws Exception {
      return action.run(shell.engine);
    }

    @Override
    public boolean defaultJson() {
      return json;
    }

    @Override
    public ByteFormat defaultFormat() {
      return format;
    }

    @Override
    public LogTarget followedLog() {
      return LogTarget.of(shell.engine);
    }

    @Override
    public Path dataDirectory() {
      return shell.engine.dataRoot();
    }

    @Override
    public void onInterrupt(Runnable handler) {
      shell.interrupt = handler;
    }
  }

  /**
   * Reads commands from piped input until end of input or {@code exit}. Lines are read as bytes and
   * decoded as {@link ArgumentBytes} does, so a key or value that is not UTF-8 keeps its bytes.
   */
  int script(InputStream in) throws IOException {
    BufferedInputStream bytes = new BufferedInputStream(in);
    for (String line = readLine(bytes); line != null && !exitRequested; line = readLine(bytes)) {
      execute(line);
    }
    return lastCode;
  }

  /** One line of bytes (ended by LF, CRLF or the end of input), decoded keeping every byte. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      line.write(b);
      b = in.read();
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      n--;
    }
    return ArgumentBytes.decode(n == bytes.length ? bytes : Arrays.copyOf(bytes, n));
  }

  /**
   * Runs the interactive session on a terminal until {@code exit}, {@code quit} or Ctrl-D.
   *
   * @param history the history file, or {@code null} to keep history in memory only
   */
  int interactive(Terminal terminal, Path history) {
    LineReaderBuilder builder =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("kiwi")
            .completer(new ShellCompleter(commandNames(), this::subcommandOptions, engine))
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
    if (history != null) {
      builder.variable(LineReader.HISTORY_FILE, history);
    }
    LineReader reader = builder.build();
    Terminal.SignalHandler previous =
        terminal.handle(
            Terminal.Signal.INT,
            signal -> {
              Runnable r = interrupt;
              if (r != null) {
                r.run();
              }
            });
    out.println(
        "kiwi shell on "
            + engine.dataRoot().toAbsolutePath().normalize()
            + ". Type help for the commands, exit or Ctrl-D to leave; Tab completes.");
    out.flush();
    try {
      while (!exitRequested) {
        String line;
        try {
          line = reader.readLine(PROMPT);
        } catch (UserInterruptException e) {
          continue; // Ctrl-C drops the line being typed, as in bash.
        } catch (EndOfFileException e) {
          break;
        }
        execute(line);
      }
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
      try {
        reader.getHistory().save();
      } catch (IOException e) {
        err.println("kiwi: could not save history to " + history + ": " + e.getMessage());
        err.flush();
      }
    }
    return lastCode;
  }

  /** Runs one line and returns its exit code (comments and blank lines change nothing). */
  int execute(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
      return lastCode;
    }
    List<String> words;
    try {
      words = ShellWords.split(trimmed);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return lastCode = ExitCodes.USAGE;
    }
    String name = words.get(0);
    if (name.equals("exit") || name.equals("quit")) {
      return exit(words);
    }
    if (name.equals("help") || name.equals("?")) {
      return lastCode = help(words.subList(1, words.size()));
    }
    lastCode = commands.execute(words.toArray(String[]::new));
    return lastCode;
  }

  /**
   * {@code exit} or {@code exit N}: as in {@code sh}, without a code the session ends with the last
   * command's exit code, so a script whose last command failed (a tail-log that could not follow,
   * say) fails even when it ends with {@code exit}.
   */
  private int exit(List<String> words) {
    if (words.size() > 2
        || (words.size() == 2 && !words.get(1).matches("[0-9]{1,3}"))
        || (words.size() == 2 && Integer.parseInt(words.get(1)) > 255)) {
      err.println(
          "usage: "
              + words.get(0)
              + " [code], with a code from 0 to 255; got "
              + words.subList(1, words.size()));
      err.flush();
      return lastCode = ExitCodes.USAGE;
    }
    exitRequested = true;
    if (words.size() == 2) {
      lastCode = Integer.parseInt(words.get(1));
    }
    return lastCode;
  }

  boolean exitRequested() {
    return exitRequested;
  }

  private int help(List<String> args) {
    if (!args.isEmpty()) {
      CommandLine sub = commands.getSubcommands().get(args.get(0));
      if (sub == null) {
        String hint = DidYouMean.phrase(args.get(0), commandNames());
        err.println(
            "unknown command '"
                + ArgumentBytes.show(args.get(0))
                + "'"
                + (hint.isEmpty() ? "" : "; " + hint));
        err.println("Try 'help' for the list of commands.");
        err.flush();
        return ExitCodes.USAGE;
      }
      sub.usage(out);
      out.flush();
      return ExitCodes.OK;
    }
    List<String[]> rows = new ArrayList<>();
    for (CommandLine sub : uniqueSubcommands()) {
      rows.add(new String[] {synopsis(sub), sub.getCommandSpec().usageMessage().description()[0]});
    }
    rows.add(
        new String[] {"help [command]", "Lists the commands, or shows one command's options."});
    rows.add(new String[] {"exit, quit", "Leaves the shell (so does Ctrl-D)."});
    // Synopses longer than this put their description on the next line, so one long command
    // (scan) does not push every description off an 80-column screen.
    int maxColumn = 28;
    int width =
        rows.stream().mapToInt(r -> r[0].length()).filter(w -> w <= maxColumn).max().orElse(0);
    out.println("Commands:");
    for (String[] r : rows) {
      String description = r[1];
      int cut = description.indexOf(". ");
      description = cut > 0 ? description.substring(0, cut + 1) : description;
      if (r[0].length() > width) {
        out.println("  " + r[0]);
        out.println(" ".repeat(width + 4) + description);
      } else {
        out.println("  " + r[0] + " ".repeat(width - r[0].length() + 2) + description);
      }
    }
    out.println(
        "Every command but info also takes --json, and --hex, --base64 or --format"
            + " utf8|hex|base64 for keys and values.");
    out.flush();
    return ExitCodes.OK;
  }

  private List<CommandLine> uniqueSubcommands() {
    List<CommandLine> subs = new ArrayList<>();
    for (CommandLine sub : commands.getSubcommands().values()) {
      if (!subs.contains(sub)) {
        subs.add(sub);
      }
    }
    return subs;
  }

  /** A compact synopsis: the command's own options and parameters, without the common ones. */
  static String synopsis(CommandLine sub) {
    StringBuilder sb = new StringBuilder(sub.getCommandName());
    for (OptionSpec o : sub.getCommandSpec().options()) {
      if (isCommonOption(o)) {
        continue;
      }
      sb.append(" [").append(o.longestName());
      if (o.arity().max() > 0) {
        sb.append(' ').append(o.paramLabel());
      }
      sb.append(']');
    }
    for (ArgSpec p : sub.getCommandSpec().positionalParameters()) {
      boolean optional = p.arity().min() == 0;
      sb.append(' ').append(optional ? "[" : "").append(p.paramLabel()).append(optional ? "]" : "");
    }
    return sb.toString();
  }

  static boolean isCommonOption(OptionSpec o) {
    return o.usageHelp()
        || o.versionHelp()
        || List.of("--json", "--hex", "--base64", "--format").contains(o.longestName());
  }

  /** Every name the shell accepts as a first word. */
  List<String> commandNames() {
    List<String> names = new ArrayList<>(commands.getSubcommands().keySet());
    names.addAll(List.of("help", "exit", "quit"));
    return names;
  }

  /** The options of a command, by command name, for completion. */
  private List<String> subcommandOptions(String name) {
    CommandLine sub = commands.getSubcommands().get(name);
    List<String> options = new ArrayList<>();
    if (sub != null) {
      for (OptionSpec o : sub.getCommandSpec().options()) {
        if (!o.usageHelp() && !o.versionHelp()) {
          options.add(o.longestName());
        }
      }
    }
    return options;
  }

  /** For tests: the commands by name. */
  Map<String, CommandLine> subcommands() {
    return commands.getSubcommands();
  }
}
