package io.kiwidb.reliability.lincheck;

import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;

/** The red-black-tree memtable under Lincheck (public: Lincheck instantiates it reflectively). */
public class RedBlackLincheckTest extends MemTableLincheckTest {
  @Override
  protected MemTable newTable() {
    return NamedProviders.find(MemTableFactory.class, "memtable_impl", "redblack").create();
  }
}
