/**
 * The {@code kiwi} command-line tool and shell. Exports nothing: it is a program, not a library.
 * The command package is opened to picocli, which instantiates and fills the command classes
 * reflectively.
 */
module io.kiwidb.cli {
  requires io.kiwidb.api;
  requires io.kiwidb.fs;
  requires io.kiwidb.server; // kiwi serve
  requires info.picocli;
  requires org.jline;
  requires com.fasterxml.jackson.databind;
  // JLine (an automatic module) traps Ctrl-C through sun.misc.Signal, found by reflection; without
  // this the module graph of `java -m io.kiwidb.cli` lacks jdk.unsupported, JLine's handler is
  // silently not installed, and Ctrl-C in the shell kills the process instead of stopping tail-log.
  requires jdk.unsupported;

  uses io.kiwidb.api.spi.EngineProvider;

  opens io.kiwidb.cli to
      info.picocli;
}
