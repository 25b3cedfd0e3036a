package io.kiwidb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.Limits;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The engine commands, shared by the one-shot command line ({@code kiwi get --data ./data k1}) and
 * the shell ({@code get k1}). Each finds its engine through the {@link EngineHost} at the root of
 * its command tree, so the same class runs in both.
 */
final class EngineCommands {
  private EngineCommands() {}

  /** Every engine command, in the order {@code help} lists them. */
  static final Class<?>[] ALL = {
    Put.class,
    Get.class,
    Del.class,
    Scan.class,
    Flush.class,
    Mem.class,
    Disk.class,
    Stats.class,
    Config.class,
    Trace.class,
    Checkpoint.class,
    TailLog.class
  };

  /**
   * The common part: output options, finding the host, running against an engine. Picocli merges
   * this {@code @Command} into each subclass's, so every command has {@code --help}.
   */
  @Command(mixinStandardHelpOptions = true)
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    private final EngineHost.Access access;

    /** The host running this command, set before {@link #prepare}. */
    EngineHost host;

    /** A command that only reads: a missing data directory is an error, never a new store. */
    Base() {
      this(EngineHost.Access.READ);
    }

    Base(EngineHost.Access access) {
      this.access = access;
    }

    @Override
    public final Integer call() throws Exception {
      host = (EngineHost) spec.root().userObject();
      Output o =
          new Output(
              spec.commandLine().getOut(),
              spec.commandLine().getErr(),
              output.json(host.defaultJson()),
              output.format(host.defaultFormat()));
      // Arguments are decoded before the store is opened: a typo never creates a data directory.
      prepare(o);
      return host.run(access(), engine -> execute(engine, o, host));
    }

    /** Decodes and checks the arguments; throws IllegalArgumentException naming a bad one. */
    void prepare(Output o) {}

    EngineHost.Access access() {
      return access;
    }

    abstract int execute(StorageEngine engine, Output o, EngineHost host) throws Exception;
  }

  /** A command whose first argument is a key, checked against the engine's limits. */
  abstract static class KeyCommand extends Base {
    @Parameters(index = "0", paramLabel = "<key>")
    String key;

    /** The decoded key, set by {@link #prepare}. */
    byte[] k;

    KeyCommand() {
      super();
    }

    KeyCommand(EngineHost.Access access) {
      super(access);
    }

    @Override
    void prepare(Output o) {
      k = Limits.checkKey(o.parse("key", key));
    }
  }

  @Command(
      name = "put",
      description = {
        "Writes a value for a key.",
        "The value is the argument after the key, in the chosen format; or - to read it from"
            + " standard input, or --value-file <path> to read it from a file. Both are read byte"
            + " for byte, whatever the format, up to the value limit (16 MiB).",
        "Durability follows wal_sync_mode unless --sync, --no-sync or --no-wal says otherwise."
      })
  static final class Put extends KeyCommand {
    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "<value>",
        description = "The value, or - to read it from standard input.")
    String value;

    @Option(
        names = "--value-file",
        paramLabel = "<path>",
        description = "Read the value from this file (- for standard input), byte for byte.")
    String valueFile;

    @Mixin WriteFlags flags;

    private byte[] v;
    private WriteOptions options;

    Put() {
      super(EngineHost.Access.WRITE);
    }

    @Override
    void prepare(Output o) {
      super.prepare(o);
      options = flags.options(spec.commandLine());
      if (valueFile != null && value != null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "give the value once: as <value> ('"
                + ArgumentBytes.show(value)
                + "') or with --value-file, not both");
      }
      if (valueFile == null && value == null) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "Missing required parameter: '<value>' (or - to read it from standard input, or"
                + " --value-file <path>)");
      }
      if (valueFile != null && !valueFile.equals("-")) {
        v = ValueInput.fromFile(valueFile, spec.commandLine());
      } else if (valueFile != null || value.equals("-")) {
        v = ValueInput.fromStandardInput(host.standardInput());
      } else {
        v = Limits.checkValue(o.parse("value", value));
      }
    }

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      engine.put(k, v, options);
      return ack(o);
    }
  }

  @Command(name = "get", description = "Reads a key's value. Exit code 1 when the key is absent.")
  static final class Get extends KeyCommand {
    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      Optional<byte[]> v = engine.get(k);
      if (o.json) {
        ObjectNode n = Output.object();
        n.set("key", o.node(k));
        n.put("found", v.isPresent());
        n.set("value", o.node(v.orElse(null)));
        o.print(n);
      } else if (v.isPresent()) {
        o.println(o.text(v.get()));
      } else {
        o.note("(not found) " + o.text(k));
      }
      return v.isPresent() ? ExitCodes.OK : ExitCodes.NOT_FOUND;
    }
  }

  @Command(
      name = "del",
      aliases = "delete",
      description = {
        "Deletes a key (writes a tombstone); deleting an absent key is fine.",
        "Durability follows wal_sync_mode unless --sync, --no-sync or --no-wal says otherwise."
      })
  static final class Del extends KeyCommand {
    @Mixin WriteFlags flags;

    private WriteOptions options;

    Del() {
      super(EngineHost.Access.WRITE);
    }

    @Override
    void prepare(Output o) {
      super.prepare(o);
      options = flags.options(spec.commandLine());
    }

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      engine.delete(k, options);
      return ack(o);
    }
  }

  @Command(name = "scan", description = "Lists live keys and values in key order.")
  static final class Scan extends Base {
    @Option(names = "--prefix", paramLabel = "<p>", description = "Only keys starting with <p>.")
    String prefix;

    @Option(names = "--from", paramLabel = "<a>", description = "Start at key <a> (inclusive).")
    String from;

    @Option(names = "--to", paramLabel = "<b>", description = "Stop before key <b> (exclusive).")
    String to;

    @Option(names = "--limit", paramLabel = "<n>", description = "At most <n> keys.")
    Long limit;

    @Option(names = "--reverse", description = "Largest key first.")
    boolean reverse;

    private ScanOptions options;

    @Override
    void prepare(Output o) {
      if (limit != null && limit < 0) {
        throw new IllegalArgumentException("--limit must be 0 or more, got " + limit);
      }
      options =
          new ScanOptions(
              from == null ? null : o.parse("--from", from),
              to == null ? null : o.parse("--to", to),
              prefix == null ? null : o.parse("--prefix", prefix),
              null);
    }

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      long max = limit == null ? Long.MAX_VALUE : limit;
      long n = 0;
      ArrayNode json = o.json ? Output.array() : null;
      try (KiwiIterator it = engine.iterator(options)) {
        if (reverse) {
          it.seekToLast();
        } else {
          it.seekToFirst();
        }
        for (; it.isValid() && n < max; n++) {
          if (json != null) {
            ObjectNode e = json.addObject();
            e.set("key", o.node(it.key()));
            e.set("value", o.node(it.value()));
          } else {
            // Streamed, so a large scan prints as it goes.
            o.out.println(o.text(it.key()) + "\t" + o.text(it.value()));
          }
          if (reverse) {
            it.prev();
          } else {
            it.next();
          }
        }
      }
      if (json != null) {
        o.print(json);
      } else {
        o.out.flush();
        o.note("(" + Views.count(n, "key", "keys") + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "flush",
      description = {
        "Freezes the active memtable and queues it for writing to an L0 table.",
        "With --wait it returns once that memtable and every one queued before it are in tables,"
            + " so every earlier write, --no-wal ones included, is durable."
      })
  static final class Flush extends Base {
    @Option(
        names = "--wait",
        description =
            "Wait until the memtables are written to tables (and fail, exit 4, if a flush fails).")
    boolean waitForTables;

    Flush() {
      super(EngineHost.Access.WRITE);
    }

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      boolean queued = engine.flush(waitForTables);
      if (o.json) {
        ObjectNode n = Output.object().put("flushed", queued);
        if (waitForTables) {
          n.put("waited", true);
        }
        o.print(n);
      } else if (waitForTables) {
        o.println(
            queued
                ? "flushed: the active memtable and every earlier one are in tables"
                : "nothing to flush: the active memtable is empty; every earlier one is in tables");
      } else {
        o.println(
            queued
                ? "flush queued: the active memtable is frozen and will be written to L0"
                : "nothing to flush: the active memtable is empty");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "checkpoint",
      description = {
        "Makes a checkpoint: a consistent copy of the store in a new directory, while writes go on.",
        "Tables are hard-linked (copied across file systems), the live WAL and the manifest are"
            + " copied; the checkpoint opens as a store of its own (kiwi --data <dir> ...)."
      })
  static final class Checkpoint extends Base {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "<dir>",
        description = "The checkpoint's directory: must not exist, or be empty.")
    java.nio.file.Path to;

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      io.kiwidb.api.CheckpointInfo info = engine.checkpoint(to);
      if (o.json) {
        ObjectNode n = Output.object();
        n.put("directory", info.directory().toString());
        n.put("sequence", info.sequence());
        n.put("tablesLinked", info.tablesLinked());
        n.put("tablesCopied", info.tablesCopied());
        n.put("walSegments", info.walSegments());
        n.put("bytesCopied", info.bytesCopied());
        n.put("elapsedMillis", info.elapsed().toMillis());
        info.linkFailure().ifPresent(f -> n.put("linkFailure", f));
        o.print(n);
      } else {
        o.println(
            "checkpoint "
                + info.directory()
                + ": sequence "
                + info.sequence()
                + ", "
                + info.tablesLinked()
                + " tables linked, "
                + info.tablesCopied()
                + " copied, "
                + info.walSegments()
                + " WAL segments, "
                + info.bytesCopied()
                + " bytes copied in "
                + info.elapsed().toMillis()
                + " ms");
        info.linkFailure().ifPresent(f -> o.note("tables were copied, not linked: " + f));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "mem", description = "Lists the memtables, or shows one memtable's entries.")
  static final class Mem extends Base {
    @Parameters(
        arity = "0..1",
        paramLabel = "<id>",
        description = "A table or snapshot id, or 'active' for the active memtable.")
    String id;

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      return listOrShow(
          id,
          o,
          () -> Views.memListing(engine.showMem(), o),
          // "active": the active memtable's id is new at every open, so one-shot runs need a name.
          () ->
              Views.memDetail(
                  engine.showMem(id.equals("active") ? engine.showMem().active().tableId() : id),
                  o));
    }
  }

  @Command(
      name = "disk",
      description = "Lists the table files by level, or shows one table's entries.")
  static final class Disk extends Base {
    @Parameters(arity = "0..1", paramLabel = "<id>", description = "A table file id.")
    String id;

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      return listOrShow(
          id,
          o,
          () -> Views.diskListing(engine.showDisk(), o),
          () -> Views.tableDetail(engine.showDisk(id), o));
    }
  }

  /**
   * The shape {@code mem} and {@code disk} share: without an id, the listing; with one, its detail,
   * or exit code 1 when the engine knows no such id (it says so with IllegalArgumentException).
   */
  private static int listOrShow(String id, Output o, Runnable listing, Runnable detail) {
    if (id == null) {
      listing.run();
      return ExitCodes.OK;
    }
    try {
      detail.run();
      return ExitCodes.OK;
    } catch (IllegalArgumentException e) {
      o.note(e.getMessage());
      return ExitCodes.NOT_FOUND;
    }
  }

  @Command(name = "stats", description = "Shows the engine statistics and counters.")
  static final class Stats extends Base {
    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      Views.stats(engine.stats(), engine.logPort(), o);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "config",
      description = {
        "Shows the live configuration, or changes one key.",
        "config set <key> <value> validates the value, applies it live where possible, and saves"
            + " it to config.json."
      })
  static final class Config extends Base {
    @Parameters(
        arity = "0..3",
        paramLabel = "set <key> <value>",
        description = "Change <key> to <value>.")
    java.util.List<String> args;

    @Override
    EngineHost.Access access() {
      return args == null || args.isEmpty() ? EngineHost.Access.READ : EngineHost.Access.WRITE;
    }

    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      if (args == null || args.isEmpty()) {
        Views.config(engine.config(), o);
        return ExitCodes.OK;
      }
      if (args.size() != 3 || !args.get(0).equals("set")) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "usage: config, or config set <key> <value>; got config " + args);
      }
      Views.configChange(engine.updateConfig(args.get(1), args.get(2)), o);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "trace",
      description = {
        "Follows a lookup through every layer, as a table.",
        "One row per memtable, level and file visited: the filter's answer, whether the block"
            + " came from cache, what the layer answered and the sequence number found."
      })
  static final class Trace extends KeyCommand {
    @Override
    int execute(StorageEngine engine, Output o, EngineHost host) {
      Views.trace(engine.trace(k), o);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "tail-log",
      description = {
        "Prints the engine's log lines as they happen, until Ctrl-C.",
        "Reads the engine's log broadcast (a port on 127.0.0.1, or with log_broadcast=unix the"
            + " socket logs/kiwidb.sock) until Ctrl-C or the engine closes it. In the shell it"
            + " follows the shell's engine; on the command line it follows the process that has"
            + " --data open (a kiwi shell in another terminal, say)."
      })
  static final class TailLog extends Base {
    @Option(
        names = "--port",
        paramLabel = "<port>",
        description = "Connect to this port on 127.0.0.1 instead.")
    Integer port;

    @Option(
        names = "--socket",
        paramLabel = "<file>",
        description = "Connect to this Unix-domain socket instead (log_broadcast=unix).")
    java.nio.file.Path socket;

    TailLog() {
      super(EngineHost.Access.NONE);
    }

    @Override
    void prepare(Output o) {
      if (port != null && (port < 1 || port > 65535)) {
        throw new IllegalArgumentException("--port must be 1 to 65535, got " + port);
      }
      if (port != null && socket != null) {
        throw new IllegalArgumentException("give --port or --socket, not both");
      }
    }

    @Override
    int execute(StorageEngine unused, Output o, EngineHost host) throws Exception {
      LogTarget target =
          port != null
              ? LogTarget.tcp(port)
              : socket != null ? LogTarget.unix(socket) : host.followedLog();
      if (target.isNone()) {
        o.note("the log broadcast server is off (log port 0; see log_broadcast)");
        return ExitCodes.DATA_DIR;
      }
      // JSON: one {"line": ...} document per log line (JSON Lines), since the stream has no end.
      Consumer<String> print =
          o.json ? line -> o.print(Output.object().put("line", line)) : o::println;
      Consumer<String> sink =
          line -> {
            print.accept(line);
            // A PrintWriter swallows write errors: without this, `kiwi tail-log | head -1`
            // would follow forever into a closed pipe and end with exit 0.
            if (o.out.checkError()) {
              throw new UncheckedIOException(
                  "cannot write the log lines: the output was closed",
                  new IOException("write to standard output failed"));
            }
          };
      long lines =
          LogTail.follow(
              target,
              sink,
              () -> {
                if (!o.json) {
                  o.note("tailing the log on " + target.describe() + " (Ctrl-C to stop)");
                }
              },
              host::onInterrupt);
      if (!o.json) {
        o.note("(log closed after " + Views.count(lines, "line", "lines") + ")");
      }
      return ExitCodes.OK;
    }
  }

  /** The answer of a write: {@code OK}, or {@code {"ok":true}}. */
  private static int ack(Output o) {
    if (o.json) {
      o.print(Output.object().put("ok", true));
    } else {
      o.println("OK");
    }
    return ExitCodes.OK;
  }
}
