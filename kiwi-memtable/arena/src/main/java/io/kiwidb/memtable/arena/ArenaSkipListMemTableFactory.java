package io.kiwidb.memtable.arena;

import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;

/**
 * {@code memtable_impl = "arena"}: a skip list whose nodes live in large {@code long[]} chunks.
 *
 * <p>Thread safety: stateless.
 */
public final class ArenaSkipListMemTableFactory implements MemTableFactory {
  /** The config name. */
  public static final String NAME = "arena";

  /**
   * The largest {@code max_memtable_size_mb} the arena accepts, in bytes (1024 MiB). The arena
   * addresses its chunks with 32-bit pointers, which bounds what one memtable can hold, and a
   * memtable must also take the write batches that land after it reaches the limit and before the
   * engine freezes it ({@link MemTableFactory#maxMemTableSizeBytes()}; {@code docs/memtable.md},
   * "The arena memtable").
   */
  public static final long MAX_MEMTABLE_SIZE_BYTES = 1L << 30;

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

  @Override
  public long maxMemTableSizeBytes() {
    return MAX_MEMTABLE_SIZE_BYTES;
  }
}
