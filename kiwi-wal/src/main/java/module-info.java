/**
 * The write-ahead log: record format, segments, group commit and replay. Only the engine (and the
 * benchmarks) may use it.
 */
module io.kiwidb.wal {
  requires transitive io.kiwidb.api;
  requires org.slf4j;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time

  exports io.kiwidb.wal to
      io.kiwidb.engine,
      io.kiwidb.bench;
}
