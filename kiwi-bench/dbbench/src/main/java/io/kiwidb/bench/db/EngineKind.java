package io.kiwidb.bench.db;

/** The stores a run compares. */
enum EngineKind {
  /** kiwi-db with the run's config. */
  KIWI("kiwi"),
  /** RocksDB configured like kiwi ({@link RocksTuning}). */
  ROCKSDB_LIKE("rocksdb-like"),
  /** RocksDB at its defaults (apart from the durability setting). */
  ROCKSDB_DEFAULT("rocksdb-default");

  private final String label;

  EngineKind(String label) {
    this.label = label;
  }

  /** The name used on the command line and in reports. */
  String label() {
    return label;
  }

  /** The engine with this label. */
  static EngineKind byLabel(String label) {
    for (EngineKind e : values()) {
      if (e.label.equals(label)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown engine '" + label + "'; known: kiwi, rocksdb-like, rocksdb-default");
  }
}
