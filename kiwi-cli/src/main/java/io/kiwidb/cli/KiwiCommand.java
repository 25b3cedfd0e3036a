package io.kiwidb.cli;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.OpenOptions;
import io.kiwidb.api.ReadOnlyEngineException;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.EngineProvider;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.fs.FileSystems;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code kiwi} command: {@code info}, {@code shell}, {@code serve}, and every engine command
 * one-shot over a data directory. As the one-shot {@link EngineHost} it opens the engine for one
 * command and closes it afterwards, and turns an unusable data directory into a clear message.
 *
 * <p>Thread safety: one command line, one thread.
 */
@Command(
    name = "kiwi",
    mixinStandardHelpOptions = true,
    versionProvider = KiwiCommand.Version.class,
    description = "kiwi-db: an embedded LSM-tree key-value store.",
    subcommands = {KiwiCommand.Info.class, KiwiCommand.ShellCommand.class, ServeCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  ok",
      "  1  not found (get; mem or disk with an unknown id)",
      "  2  usage error: unknown command or option, bad argument",
      "  3  data directory missing, not a directory or locked; invalid config",
      "  4  I/O error, corrupt data, write stall or background error",
      "  5  internal error, or no engine installed",
      "130  interrupted with Ctrl-C (a one-shot tail-log, say)",
      "See docs/cli.md for examples."
    })
final class KiwiCommand implements Callable<Integer>, EngineHost {
  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      scope = ScopeType.INHERIT,
      defaultValue = "./data",
      paramLabel = "<dir>",
      description = "The data directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--read-only",
      scope = ScopeType.INHERIT,
      description =
          "Open the store read-only: a shared lock, nothing written, writes refused. Commands"
              + " that only read do this by themselves when the data directory is not writable.")
  boolean readOnly;

  private final EngineOpener opener;
  private final InputStream stdin;
  private final boolean terminal;

  /**
   * @param opener opens the engine for a data directory
   * @param stdin what the shell reads when it is not on a terminal
   * @param terminal whether the shell may use the terminal (stdin and stdout are a terminal)
   */
  KiwiCommand(EngineOpener opener, InputStream stdin, boolean terminal) {
    this.opener = opener;
    this.stdin = stdin;
    this.terminal = terminal;
  }

  /** {@code kiwi} with no command: the usage, on stderr as for any usage error (exit 2). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * Runs a one-shot command: its engine lives for this command only, so it runs no log broadcast
   * (nobody could tail it, and a listener per {@code kiwi get} would only take a port).
   */
  @Override
  public int run(Access access, Action action) throws Exception {
    return run(access, false, action);
  }

  /**
   * Runs {@code action} with an engine on {@code --data}.
   *
   * @param session whether the engine serves a session ({@code kiwi shell}) whose log an operator
   *     may tail: then the broadcast runs as {@code config.json} says; else none runs
   */
  int run(Access access, boolean session, Action action) throws Exception {
    if (access == Access.NONE) {
      return action.run(null);
    }
    StorageEngine engine = open(access, session);
    // Ctrl-C during a long command (tail-log, a big scan) still closes the engine cleanly.
    Thread closer = new Thread(engine::close, "kiwi-close-on-exit");
    Runtime.getRuntime().addShutdownHook(closer);
    try {
      return action.run(engine);
    } catch (ReadOnlyEngineException e) {
      throw new ExitCodes.DataDirectoryException(
          e.call()
              + " failed: data directory "
              + data
              + " is open read-only ("
              + (readOnly ? "--read-only" : "it is not writable by this user")
              + "); "
              + (readOnly ? "run without --read-only to write" : "fix its permissions to write"),
          e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(closer);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or will run; closing twice is harmless (close is idempotent).
      }
      engine.close();
    }
  }

  /**
   * Opens the engine on {@code --data}, turning an unusable directory into a clear message. The
   * caller closes it ({@link #run} for the one-shot commands, {@code kiwi serve} after its server).
   */
  StorageEngine open(Access access, boolean session) {
    checkDataDirectory(access);
    try {
      OpenOptions options = OpenOptions.defaults().withLogBroadcast(session);
      return opensReadOnly(access)
          ? opener.openReadOnly(data, options)
          : opener.open(data, options);
    } catch (InvalidConfigException e) {
      // A bad value read from config.json: say which file, since the user did not type the value.
      String message = String.valueOf(e.getMessage());
      if (message.contains("config.json")) {
        throw e;
      }
      throw new InvalidConfigException(
          message
              + " in "
              + data.resolve("config.json")
              + " (the file was left unchanged; fix the value or delete the file for the defaults)",
          e);
    } catch (CorruptionException | KiwiIOException e) {
      throw e;
    } catch (KiwiException e) {
      // A held LOCK or a failed recovery step: name the directory unless the engine already did.
      String message = String.valueOf(e.getMessage());
      boolean named =
          message.contains(data.toString())
              || message.contains(data.toAbsolutePath().normalize().toString());
      throw new ExitCodes.DataDirectoryException(
          named ? message : "cannot open data directory " + data + ": " + message, e);
    }
  }

  /**
   * Read-only when asked ({@code --read-only}), or for a command that only reads when this user may
   * not write the data directory (a read-only copy, another user's store, a read-only mount).
   */
  private boolean opensReadOnly(Access access) {
    return readOnly
        || (access == Access.READ && Files.isDirectory(data) && !Files.isWritable(data));
  }

  private void checkDataDirectory(Access access) {
    if (Files.exists(data) && !Files.isDirectory(data)) {
      throw new ExitCodes.DataDirectoryException(
          "data directory " + data + " is not a directory", null);
    }
    if (access == Access.READ && !Files.exists(data)) {
      throw new ExitCodes.DataDirectoryException(
          "data directory "
              + data
              + " does not exist (check --data; put, del, flush, config set and shell create it)",
          null);
    }
  }

  @Override
  public LogTarget followedLog() throws IOException {
    return RunningEngine.logTarget(FileSystems.local(), data);
  }

  @Override
  public Path dataDirectory() {
    return data;
  }

  @Override
  public InputStream standardInput() {
    return stdin;
  }

  int shell(StorageEngine engine, boolean json, ByteFormat format, Path history) throws Exception {
    if (terminal) {
      try (Terminal t =
          TerminalBuilder.builder()
              .system(true)
              .name("kiwi")
              .encoding(StandardCharsets.UTF_8)
              .build()) {
        PrintWriter w = t.writer();
        return new Shell(engine, w, w, json, format).interactive(t, history);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return new Shell(engine, out, err, json, format).script(stdin);
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kiwi " + version()};
    }
  }

  static String version() {
    // On the module path the compiler records the project version in the module descriptor.
    Module module = KiwiCommand.class.getModule();
    if (module.getDescriptor() != null && module.getDescriptor().rawVersion().isPresent()) {
      return module.getDescriptor().rawVersion().get();
    }
    String v = KiwiCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** {@code kiwi shell}: the interactive shell over one open engine. */
  @Command(
      name = "shell",
      mixinStandardHelpOptions = true,
      description = {
        "Opens the store (creating it if needed) and reads commands: put, get, del, scan, flush,"
            + " mem, disk, stats, config, trace, tail-log, info, help, exit.",
        "On a terminal it has line editing, history and Tab completion; with piped input it runs"
            + " the lines as a script and exits with the last command's code."
      })
  static final class ShellCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(
        names = "--history",
        paramLabel = "<file>",
        description = "The history file (default: ~/.kiwi_history).")
    Path history;

    @Option(names = "--no-history", description = "Keep no history file.")
    boolean noHistory;

    @Override
    public Integer call() throws Exception {
      KiwiCommand root = (KiwiCommand) spec.root().userObject();
      boolean json = output.json(false);
      ByteFormat format = output.format(ByteFormat.UTF8);
      Path file = noHistory ? null : history != null ? history : defaultHistory();
      return root.run(Access.WRITE, true, engine -> root.shell(engine, json, format, file));
    }
  }

  /**
   * {@code ~/.kiwi_history}, where {@code ~} is {@code $HOME} as in a Unix shell (the JVM's {@code
   * user.home} comes from the password database and ignores {@code HOME=/elsewhere kiwi shell}).
   */
  static Path defaultHistory() {
    String home = System.getenv("HOME");
    if (home == null || home.isEmpty()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".kiwi_history");
  }

  /** {@code kiwi info}: the version, the data directory, and the installed implementations. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "Shows the version, the data directory and the installed implementations.")
  static final class Info implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      // The one-shot program's --data, or the shell's open store.
      Path data = ((EngineHost) spec.root().userObject()).dataDirectory();
      PrintWriter out = spec.commandLine().getOut();
      out.println("kiwi " + version());
      out.println(
          "data directory: "
              + data.toAbsolutePath().normalize()
              + (Files.isDirectory(data) ? "" : " (does not exist yet)"));
      boolean engine = ServiceLoader.load(EngineProvider.class).findFirst().isPresent();
      out.println("engine:              " + (engine ? "io.kiwidb.engine" : "not installed"));
      out.println("memtable_impl:       " + NamedProviders.all(MemTableFactory.class).keySet());
      out.println("filter_policy:       " + NamedProviders.all(FilterPolicy.class).keySet());
      out.println("compaction_strategy: " + NamedProviders.all(CompactionStrategy.class).keySet());
      out.println("compression:         " + NamedProviders.all(Compressor.class).keySet());
      out.flush();
      return ExitCodes.OK;
    }
  }
}
