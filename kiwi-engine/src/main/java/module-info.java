/**
 * The LSM engine: the composition root (Guice), config, the write path with its group commit, the
 * read path, the flush pipeline, compaction scheduling, recovery and logging.
 *
 * <p>It compiles against kiwi-api and the component cores' interfaces (write-ahead log, memtable
 * set, table store, compaction jobs, file system), never against an implementation: the memtables,
 * filters, codecs and compaction strategies arrive on the module path, ServiceLoader finds them,
 * and config picks one. Applications reach the engine through {@link io.kiwidb.api.KiwiDb} and
 * ServiceLoader, or through {@link io.kiwidb.engine.LsmEngine#builder} to pass their own file
 * system or Guice bindings.
 */
module io.kiwidb.engine {
  requires transitive io.kiwidb.api;
  // Guice is an automatic module (stable Automatic-Module-Name); transitive because
  // LsmEngine.Builder takes its Modules.
  requires transitive com.google.guice;
  requires io.kiwidb.fs;
  requires io.kiwidb.wal;
  requires io.kiwidb.memtable;
  requires io.kiwidb.sstable;
  requires io.kiwidb.compaction;
  requires com.fasterxml.jackson.databind;
  requires jakarta.inject; // explicit module; @jakarta.inject.Inject, Provider
  requires com.google.common; // guava 33.x is explicit; Guice (automatic) cannot require it
  requires org.slf4j;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core; // not transitive from classic

  // Jackson reads the config package reflectively (records/POJOs there, if any).
  opens io.kiwidb.engine.config to
      com.fasterxml.jackson.databind;
  // Package-private @Inject constructors and @Provides methods of the engine's collaborators.
  opens io.kiwidb.engine to
      com.google.guice;

  // Our appender may be named in an application's logback.xml (Joran instantiates it).
  exports io.kiwidb.engine.logging to
      ch.qos.logback.core;

  // LsmEngine and its builder: open a store with your own file system or Guice bindings.
  exports io.kiwidb.engine;

  provides io.kiwidb.api.spi.EngineProvider with
      io.kiwidb.engine.KiwiEngineProvider;
}
