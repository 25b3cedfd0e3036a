package io.kiwidb.bench.db;

import java.util.Locale;

/**
 * The db_bench workloads this runner knows, named as db_bench names them.
 *
 * <p>Data model: keys are indexes into a key space of {@code num} keys (see {@link KeySpace});
 * "random" means uniformly random indexes, so a random fill leaves about 63% of the key space
 * present, and an overwrite after it about 86%, as in db_bench.
 */
enum Workload {
  /** {@code num} puts in key order, on a fresh store. */
  FILLSEQ(true, Store.FRESH, 2.5),
  /** {@code num} puts of random keys, on a fresh store that later workloads then use. */
  FILLRANDOM(true, Store.MAIN_FRESH, 1.5),
  /** {@code num} puts of random keys on the main store. */
  OVERWRITE(true, Store.MAIN, 1.5),
  /** {@code reads} gets of random keys from the key space (most present). */
  READRANDOM(false, Store.MAIN, 1.5),
  /** {@code reads} gets of keys that were never written, between present ones. */
  READMISSING(false, Store.MAIN, 1.0),
  /** One cursor from the first key forward, up to {@code reads} entries. */
  READSEQ(false, Store.MAIN, 3.0),
  /** One cursor from the last key backward, up to {@code reads} entries. */
  READREVERSE(false, Store.MAIN, 1.0),
  /** {@code reads} seeks to random keys, each reading the entry found (and {@code seek-nexts}). */
  SEEKRANDOM(false, Store.MAIN, 1.5),
  /** {@code reads} gets by the reader threads while one more thread overwrites random keys. */
  READWHILEWRITING(false, Store.MAIN, 1.5),
  /** {@code num} deletes of random keys on the main store. */
  DELETERANDOM(true, Store.MAIN, 1.0),
  /** {@code sync-ops} puts of random keys, each fsynced before it returns, on a fresh store. */
  FILLSYNC(true, Store.FRESH_SYNC, 1.0);

  /** Which store a workload runs on. */
  enum Store {
    /** Its own new store, closed and deleted afterwards. */
    FRESH,
    /** Its own new store opened with synced writes, closed and deleted afterwards. */
    FRESH_SYNC,
    /** A new main store that the following {@link #MAIN} workloads reuse. */
    MAIN_FRESH,
    /** The main store; filled first (unmeasured) if no fill has created it. */
    MAIN
  }

  /** Minimum kiwi / like-for-like RocksDB ratio every workload must reach. */
  static final double TARGET = 1.0;

  private final boolean writes;
  private final Store store;
  private final double aim;

  Workload(boolean writes, Store store, double aim) {
    this.writes = writes;
    this.store = store;
    this.aim = aim;
  }

  /** The db_bench name, e.g. {@code fillseq}. */
  String benchName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the workload writes, so disk size and write amplification are measured after it. */
  boolean writes() {
    return writes;
  }

  Store store() {
    return store;
  }

  /**
   * The ratio issue #11 aims for (kiwi / like-for-like RocksDB); 8-thread fillsync aims at 3.
   *
   * @param threads the threads the workload runs with
   */
  double aim(int threads) {
    return this == FILLSYNC && threads >= 8 ? 3.0 : aim;
  }

  /** The workload with this db_bench name. */
  static Workload byName(String name) {
    for (Workload w : values()) {
      if (w.benchName().equals(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '" + name + "'; known: " + java.util.Arrays.toString(names()));
  }

  static String[] names() {
    Workload[] all = values();
    String[] names = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      names[i] = all[i].benchName();
    }
    return names;
  }
}
