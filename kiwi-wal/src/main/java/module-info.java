/** The write-ahead log: record format, segments, group commit and replay. */
module io.kiwidb.wal {
  requires transitive io.kiwidb.api;

// Exports are added (qualified, to the modules that use them) as the package fills.
}
