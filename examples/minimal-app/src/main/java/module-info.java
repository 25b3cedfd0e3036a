/**
 * The smallest kiwi-db application: it reads the API only; ServiceLoader brings the engine and the
 * one memtable and one filter on the path.
 */
module io.kiwidb.example.minimal {
  requires io.kiwidb.api;

  uses io.kiwidb.api.spi.EngineProvider;
}
