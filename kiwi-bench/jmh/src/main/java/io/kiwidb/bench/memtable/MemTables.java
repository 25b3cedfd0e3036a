package io.kiwidb.bench.memtable;

import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;
import java.util.Random;
import java.util.function.Supplier;

/** The implementations compared by the memtable benchmarks, by name. */
final class MemTables {
  /** The baseline's name in {@code @Param} lists and reports. */
  static final String BASELINE = "csl-baseline";

  /** Key and value sizes of the workload. */
  static final int KEY_BYTES = 16;

  static final int VALUE_BYTES = 100;

  private MemTables() {}

  /**
   * A supplier of empty memtables: {@code skiplist}, {@code arena}, {@code redblack} or the
   * baseline.
   */
  static Supplier<MemTable> factory(String name) {
    if (BASELINE.equals(name)) {
      return ConcurrentSkipListMemTable::new;
    }
    MemTableFactory f = NamedProviders.find(MemTableFactory.class, "memtable_impl", name);
    return f::create;
  }

  /** {@code n} random 16-byte keys from a fixed seed, so every implementation sees the same. */
  static byte[][] keys(int n, long seed) {
    Random r = new Random(seed);
    byte[][] keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = new byte[KEY_BYTES];
      r.nextBytes(keys[i]);
    }
    return keys;
  }
}
