package io.kiwidb.bench.db;

import java.util.Locale;

/**
 * How the store is left between workloads. Both are legitimate and give different pictures: the
 * settled method measures each workload on a store at rest, the db_bench method makes the reads pay
 * for the compaction debt the writes left, as db_bench does.
 */
enum Method {
  /** After every write workload: flush, then wait until flushes and compactions are done. */
  SETTLED,
  /** The next workload starts at once on whatever the writes left (db_bench's way). */
  DBBENCH;

  /** The name used on the command line and in reports. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method with this label. */
  static Method byLabel(String label) {
    for (Method m : values()) {
      if (m.label().equals(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown method '" + label + "'; expected settled, dbbench or both");
  }
}
