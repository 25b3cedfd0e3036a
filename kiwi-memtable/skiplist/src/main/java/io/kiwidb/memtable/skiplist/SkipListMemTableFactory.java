package io.kiwidb.memtable.skiplist;

import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;

/**
 * Creates {@link SkipListMemTable}s; config name {@code skiplist}, the default.
 *
 * <p>Thread safety: stateless.
 */
public final class SkipListMemTableFactory implements MemTableFactory {
  /** The name used in config ({@code memtable_impl}). */
  public static final String NAME = "skiplist";

  /** Creates the factory (ServiceLoader does this). */
  public SkipListMemTableFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public MemTable create() {
    return new SkipListMemTable();
  }
}
