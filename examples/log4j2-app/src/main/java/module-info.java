/**
 * An application on log4j2 that embeds kiwi-db: it reads the API only; ServiceLoader brings the
 * engine, one memtable and one filter, and slf4j finds log4j2's provider, the only one there is.
 */
module io.kiwidb.example.log4j2 {
  requires io.kiwidb.api;

  uses io.kiwidb.api.spi.EngineProvider;
}
