package io.kiwidb.api.spi;

/**
 * Creates memtables; config key {@code memtable_impl} picks one by {@link #name()} ({@code
 * skiplist} by default, {@code arena} or {@code redblack}).
 *
 * <p>Thread safety: implementations must be stateless or thread-safe.
 */
public interface MemTableFactory extends NamedProvider {
  /** Creates an empty memtable. */
  MemTable create();
}
