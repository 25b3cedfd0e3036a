/**
 * The LSM engine: the composition root (Guice), config, the write path with its group commit, the
 * read path, the flush pipeline, compaction scheduling, recovery and logging (through the slf4j API
 * only; the engine's own log file and broadcast come from a {@link io.kiwidb.api.spi.LogCapture}
 * such as {@code io.kiwidb.engine.logback}).
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
  requires org.slf4j; // the API only: the binding is the application's choice
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time
  requires jdk.net; // SO_PEERCRED: the Unix-domain log broadcast admits only its owner

  // Jackson reads the config package reflectively (records/POJOs there, if any).
  opens io.kiwidb.engine.config to
      com.fasterxml.jackson.databind;
  // Package-private @Inject constructors and @Provides methods of the engine's collaborators.
  opens io.kiwidb.engine to
      com.google.guice;

  // LsmEngine and its builder: open a store with your own file system or Guice bindings.
  exports io.kiwidb.engine;

  provides io.kiwidb.api.spi.EngineProvider with
      io.kiwidb.engine.KiwiEngineProvider;
}
