package io.kiwidb.memtable.redblack;

import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;

/**
 * Creates {@link RedBlackTreeMemTable}s; config name {@code redblack}.
 *
 * <p>Thread safety: stateless.
 */
public final class RedBlackTreeMemTableFactory implements MemTableFactory {
  /** The name used in config ({@code memtable_impl}). */
  public static final String NAME = "redblack";

  /** Creates the factory (ServiceLoader does this). */
  public RedBlackTreeMemTableFactory() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public MemTable create() {
    return new RedBlackTreeMemTable();
  }
}
