/** Compaction pickers (leveled, tiered) and the merge job. */
module io.kiwidb.compaction {
  requires transitive io.kiwidb.api;
  requires io.kiwidb.sstable;

// Exports are added (qualified, to the modules that use them) as the package fills.
}
