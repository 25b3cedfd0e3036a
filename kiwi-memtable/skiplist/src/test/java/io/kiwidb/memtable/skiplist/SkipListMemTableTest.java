package io.kiwidb.memtable.skiplist;

import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.MemTableContract;

/** The memtable contract for {@code skiplist}. */
class SkipListMemTableTest extends MemTableContract {
  @Override
  protected MemTableFactory factory() {
    return new SkipListMemTableFactory();
  }
}
