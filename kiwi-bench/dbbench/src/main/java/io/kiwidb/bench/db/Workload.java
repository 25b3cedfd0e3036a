package io.kiwidb.bench.db;

/**
 * The workloads this runner knows: db_bench's, named as db_bench names them, and YCSB's core
 * workloads A-F, named {@code ycsb-a} ... {@code ycsb-f}, with YCSB's load phase {@code ycsb-load}.
 *
 * <p>Data model: keys are indexes into a key space of {@code num} keys (see {@link KeySpace});
 * "random" means uniformly random indexes, so a random fill leaves about 63% of the key space
 * present, and an overwrite after it about 86%, as in db_bench. The YCSB workloads choose keys from
 * a zipfian distribution ({@link Zipfian}, theta 0.99, popular keys scattered over the key space)
 * and D reads the latest records most; their inserts add new keys after the key space.
 */
enum Workload {
  /** {@code num} puts in key order, on a fresh store. */
  FILLSEQ("fillseq", true, Store.FRESH, 2.5, null),
  /** {@code num} puts of random keys, on a fresh store that later workloads then use. */
  FILLRANDOM("fillrandom", true, Store.MAIN_FRESH, 1.5, null),
  /** {@code num} puts of random keys on the main store. */
  OVERWRITE("overwrite", true, Store.MAIN, 1.5, null),
  /** {@code reads} gets of random keys from the key space (most present). */
  READRANDOM("readrandom", false, Store.MAIN, 1.5, null),
  /** {@code reads} gets of keys that were never written, between present ones. */
  READMISSING("readmissing", false, Store.MAIN, 1.0, null),
  /** One cursor from the first key forward, up to {@code reads} entries. */
  READSEQ("readseq", false, Store.MAIN, 3.0, null),
  /** One cursor from the last key backward, up to {@code reads} entries. */
  READREVERSE("readreverse", false, Store.MAIN, 1.0, null),
  /** {@code reads} seeks to random keys, each reading the entry found (and {@code seek-nexts}). */
  SEEKRANDOM("seekrandom", false, Store.MAIN, 1.5, null),
  /** {@code reads} gets by the reader threads while one more thread overwrites random keys. */
  READWHILEWRITING("readwhilewriting", false, Store.MAIN, 1.5, null),
  /** {@code num} deletes of random keys on the main store. */
  DELETERANDOM("deleterandom", true, Store.MAIN, 1.0, null),
  /** {@code sync-ops} puts of random keys, each fsynced before it returns, on a fresh store. */
  FILLSYNC("fillsync", true, Store.FRESH_SYNC, 1.0, null),
  /**
   * YCSB's load phase: every key of the key space once, in an order scattered over the key space,
   * on a fresh main store. Run unmeasured before the first YCSB workload when no store exists.
   */
  YCSB_LOAD("ycsb-load", true, Store.MAIN_FRESH, 1.0, null),
  /** YCSB A, update heavy: 50% reads, 50% updates, zipfian. */
  YCSB_A("ycsb-a", true, Store.YCSB, 1.0, new YcsbMix(0.5, 0.5, 0, 0, 0, false)),
  /** YCSB B, read mostly: 95% reads, 5% updates, zipfian. */
  YCSB_B("ycsb-b", true, Store.YCSB, 1.0, new YcsbMix(0.95, 0.05, 0, 0, 0, false)),
  /** YCSB C, read only, zipfian. */
  YCSB_C("ycsb-c", false, Store.YCSB, 1.0, new YcsbMix(1, 0, 0, 0, 0, false)),
  /** YCSB D, read latest: 95% reads skewed to the newest records, 5% inserts. */
  YCSB_D("ycsb-d", true, Store.YCSB, 1.0, new YcsbMix(0.95, 0, 0.05, 0, 0, true)),
  /** YCSB E, short ranges: 95% scans of 1-100 entries (uniform) from a zipfian key, 5% inserts. */
  YCSB_E("ycsb-e", true, Store.YCSB, 1.0, new YcsbMix(0, 0, 0.05, 0.95, 0, false)),
  /** YCSB F, read-modify-write: 50% reads, 50% read-then-update of one key, zipfian. */
  YCSB_F("ycsb-f", true, Store.YCSB, 1.0, new YcsbMix(0.5, 0, 0, 0, 0.5, false));

  /** Which store a workload runs on. */
  enum Store {
    /** Its own new store, closed and deleted afterwards. */
    FRESH,
    /** Its own new store opened with synced writes, closed and deleted afterwards. */
    FRESH_SYNC,
    /** A new main store that the following {@link #MAIN} workloads reuse. */
    MAIN_FRESH,
    /** The main store; filled first (unmeasured {@code fillrandom}) if no fill has created it. */
    MAIN,
    /** The main store; loaded first (unmeasured {@code ycsb-load}) if no fill has created it. */
    YCSB
  }

  /**
   * The operation mix of a YCSB workload; the fractions add up to 1.
   *
   * @param read gets of a chosen key
   * @param update puts of a chosen key (a whole new value)
   * @param insert puts of a new key after every key written so far
   * @param scan a seek to a chosen key and up to 1-100 (uniform) entries read from there
   * @param readModifyWrite a get, then a put of the same key
   * @param latest whether keys are chosen with the newest records most popular (YCSB D), instead of
   *     scattered zipfian
   */
  record YcsbMix(
      double read,
      double update,
      double insert,
      double scan,
      double readModifyWrite,
      boolean latest) {
    /** The mixed run of the endurance mode: half YCSB A, half YCSB E. */
    static final YcsbMix ENDURANCE = new YcsbMix(0.25, 0.25, 0.025, 0.475, 0, false);

    /** Longest scan, YCSB's {@code maxscanlength}. */
    static final int MAX_SCAN = 100;

    YcsbMix {
      double sum = read + update + insert + scan + readModifyWrite;
      if (Math.abs(sum - 1) > 1e-9
          || read < 0
          || update < 0
          || insert < 0
          || scan < 0
          || readModifyWrite < 0) {
        throw new IllegalArgumentException("operation fractions must be >= 0 and add up to 1");
      }
    }

    /** The operation for a uniform draw {@code u} in [0, 1). */
    Op pick(double u) {
      double x = u;
      if ((x -= read) < 0) {
        return Op.READ;
      }
      if ((x -= update) < 0) {
        return Op.UPDATE;
      }
      if ((x -= insert) < 0) {
        return Op.INSERT;
      }
      if ((x -= scan) < 0) {
        return Op.SCAN;
      }
      return readModifyWrite > 0 ? Op.READ_MODIFY_WRITE : lastNonZero();
    }

    private Op lastNonZero() {
      // Rounding left u past every fraction: the last operation with a share.
      if (scan > 0) {
        return Op.SCAN;
      }
      if (insert > 0) {
        return Op.INSERT;
      }
      return update > 0 ? Op.UPDATE : Op.READ;
    }
  }

  /** A YCSB operation. */
  enum Op {
    READ,
    UPDATE,
    INSERT,
    SCAN,
    READ_MODIFY_WRITE
  }

  /** Minimum kiwi / like-for-like RocksDB ratio every workload must reach. */
  static final double TARGET = 1.0;

  private final String benchName;
  private final boolean writes;
  private final Store store;
  private final double aim;

  // A record of primitives: immutable, though not annotated for Error Prone.
  @SuppressWarnings("ImmutableEnumChecker")
  private final YcsbMix ycsb;

  Workload(String benchName, boolean writes, Store store, double aim, YcsbMix ycsb) {
    this.benchName = benchName;
    this.writes = writes;
    this.store = store;
    this.aim = aim;
    this.ycsb = ycsb;
  }

  /** The name used on the command line and in reports, e.g. {@code fillseq} or {@code ycsb-a}. */
  String benchName() {
    return benchName;
  }

  /** Whether the workload writes, so disk size and write amplification are measured after it. */
  boolean writes() {
    return writes;
  }

  Store store() {
    return store;
  }

  /** The YCSB mix, or null for a db_bench workload. */
  YcsbMix ycsb() {
    return ycsb;
  }

  /**
   * The ratio issue #11 aims for (kiwi / like-for-like RocksDB); 8-thread fillsync aims at 3.
   *
   * @param threads the threads the workload runs with
   */
  double aim(int threads) {
    return this == FILLSYNC && threads >= 8 ? 3.0 : aim;
  }

  /** The workload with this name. */
  static Workload byName(String name) {
    for (Workload w : values()) {
      if (w.benchName.equals(name)) {
        return w;
      }
    }
    throw new IllegalArgumentException(
        "unknown workload '" + name + "'; known: " + String.join(", ", names()));
  }

  static String[] names() {
    Workload[] all = values();
    String[] names = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      names[i] = all[i].benchName;
    }
    return names;
  }
}
