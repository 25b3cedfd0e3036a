/**
 * The LSM engine: wiring, config, flush pipeline, recovery and logging.
 *
 * <p>Guice, Jackson and logback are confined to this module; nothing here is exported to
 * applications, which reach the engine through {@link io.kiwidb.api.KiwiDb} and ServiceLoader.
 */
module io.kiwidb.engine {
  requires transitive io.kiwidb.api;
  requires io.kiwidb.fs;
  requires io.kiwidb.wal;
  requires io.kiwidb.memtable;
  requires io.kiwidb.sstable;
  requires io.kiwidb.compaction;
  requires com.fasterxml.jackson.databind;
  requires com.google.guice; // automatic module
  requires jakarta.inject; // explicit module; @jakarta.inject.Inject, Provider
  requires com.google.common; // guava 33.x is explicit; Guice (automatic) cannot require it
  requires org.slf4j;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core; // not transitive from classic

  // Jackson reads the config package reflectively (records/POJOs there, if any).
  opens io.kiwidb.engine.config to
      com.fasterxml.jackson.databind;
  // Package-private @Inject constructors and @Provides methods.
  opens io.kiwidb.engine.internal to
      com.google.guice;

  // Our appender may be named in an application's logback.xml (Joran instantiates it).
  exports io.kiwidb.engine.logging to
      ch.qos.logback.core;

  // LsmEngine.open(FileSystem, ...) for tools and tests that inject a file system.
  exports io.kiwidb.engine to
      io.kiwidb.cli,
      io.kiwidb.bench;

  provides io.kiwidb.api.spi.EngineProvider with
      io.kiwidb.engine.KiwiEngineProvider;
}
