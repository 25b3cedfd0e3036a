/**
 * The write-ahead log: record format, segments, replay ({@link io.kiwidb.wal.WriteAheadLog}, {@link
 * io.kiwidb.wal.WalReplay}). The engine sees its interfaces and values only; the segment writer and
 * reader are package-private.
 */
module io.kiwidb.wal {
  requires transitive io.kiwidb.api;
  requires org.slf4j;
  requires static com.google.errorprone.annotations; // @GuardedBy, checked at compile time

  exports io.kiwidb.wal to
      io.kiwidb.engine;
}
