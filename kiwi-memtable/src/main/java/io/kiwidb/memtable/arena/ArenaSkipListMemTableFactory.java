package io.kiwidb.memtable.arena;

import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;

/**
 * {@code memtable_impl = "arena"}: a skip list whose nodes live in large byte arrays.
 *
 * <p>Thread safety: stateless.
 */
public final class ArenaSkipListMemTableFactory implements MemTableFactory {
  /** The config name. */
  public static final String NAME = "arena";

  /** Creates the factory (ServiceLoader does this). */
  public ArenaSkipListMemTableFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public MemTable create() {
    return new ArenaSkipListMemTable();
  }
}
