/**
 * The kiwi-db public API ({@code io.kiwidb.api}) and the contracts for component authors ({@code
 * io.kiwidb.api.spi}).
 *
 * <p>Applications compile against this module alone and open a store with {@link
 * io.kiwidb.api.KiwiDb#open(java.nio.file.Path)}; the engine is found at run time through {@link
 * java.util.ServiceLoader}.
 */
module io.kiwidb.api {
  exports io.kiwidb.api;
  exports io.kiwidb.api.spi;

  // NamedProviders (and KiwiDb) call ServiceLoader from this module, so it declares every SPI.
  uses io.kiwidb.api.spi.EngineProvider;
  uses io.kiwidb.api.spi.MemTableFactory;
  uses io.kiwidb.api.spi.FilterPolicy;
  uses io.kiwidb.api.spi.CompactionStrategy;
  uses io.kiwidb.api.spi.Compressor;
  uses io.kiwidb.api.spi.LogCapture;
}
