/**
 * The {@code kiwi} command-line tool and shell. Exports nothing: it is a program, not a library.
 * The command package is opened to picocli, which instantiates and fills the command classes
 * reflectively.
 */
module io.kiwidb.cli {
  requires io.kiwidb.api;
  requires info.picocli;
  requires org.jline;
  requires com.fasterxml.jackson.databind;

  uses io.kiwidb.api.spi.EngineProvider;

  opens io.kiwidb.cli to
      info.picocli;
}
