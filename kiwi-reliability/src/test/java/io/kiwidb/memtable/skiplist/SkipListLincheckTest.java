package io.kiwidb.memtable.skiplist;

import io.kiwidb.reliability.lincheck.MemTableLincheckTest;

/**
 * The skip-list memtable under Lincheck. It lives in the skip list's package (these tests run on
 * the class path) to build the list with a fixed height seed: the factory seeds from the clock,
 * which the model checker would see as non-determinism between replays.
 */
public class SkipListLincheckTest extends MemTableLincheckTest {
  /** Lincheck's constructor: a fresh list per scenario, with a fixed height seed. */
  public SkipListLincheckTest() {
    super(new SkipListMemTable(42));
  }
}
