package io.kiwidb.reliability.lincheck;

import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;

/** The red-black-tree memtable under Lincheck (public: Lincheck instantiates it reflectively). */
public class RedBlackLincheckTest extends MemTableLincheckTest {
  /** Lincheck's constructor: a fresh tree per scenario. */
  public RedBlackLincheckTest() {
    super(NamedProviders.find(MemTableFactory.class, "memtable_impl", "redblack").create());
  }
}
