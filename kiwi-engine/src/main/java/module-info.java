/** The LSM engine: wiring, config, flush pipeline, recovery and logging. */
module io.kiwidb.engine {
  requires transitive io.kiwidb.api;

// Exports are added (qualified, to the modules that use them) as the package fills.
}
