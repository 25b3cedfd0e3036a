/** The {@code kiwi} command-line tool and shell. */
module io.kiwidb.cli {
  requires io.kiwidb.api;
  requires info.picocli;

  uses io.kiwidb.api.spi.EngineProvider;

  opens io.kiwidb.cli to
      info.picocli;
}
