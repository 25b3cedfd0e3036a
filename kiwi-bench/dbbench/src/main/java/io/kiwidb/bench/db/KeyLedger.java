package io.kiwidb.bench.db;

import java.util.BitSet;

/**
 * Which key indexes of a store are live, for space amplification (disk bytes over the bytes of the
 * live keys and values). It is not updated inside the timed loops: after a write workload each
 * worker replays its own key sequence from its seed ({@code WorkloadRunner}), so the measured
 * operations pay nothing for it.
 *
 * <p>Thread safety: not thread-safe; replays run on the runner's thread after the workers ended.
 */
final class KeyLedger {
  private final BitSet live = new BitSet();

  /** Key {@code index} was written. */
  void put(long index) {
    live.set(toInt(index));
  }

  /** Keys {@code [from, to)} were written. */
  void putRange(long from, long to) {
    if (to > from) {
      live.set(toInt(from), toInt(to));
    }
  }

  /** Key {@code index} was deleted. */
  void delete(long index) {
    live.clear(toInt(index));
  }

  /** Live keys. */
  long count() {
    return live.cardinality();
  }

  private static int toInt(long index) {
    if (index < 0 || index >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("key index out of the ledger's range: " + index);
    }
    return (int) index;
  }
}
