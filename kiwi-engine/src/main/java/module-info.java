/** The LSM engine: wiring, config, flush pipeline, recovery and logging. */
module io.kiwidb.engine {
  requires transitive io.kiwidb.api;
}
