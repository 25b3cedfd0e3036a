package io.kiwidb.api.spi;

/**
 * Creates memtables; config key {@code memtable_impl} picks one by {@link #name()} ({@code arena}
 * by default, {@code skiplist} or {@code redblack}).
 *
 * <p>Thread safety: implementations must be stateless or thread-safe.
 */
public interface MemTableFactory extends NamedProvider {
  /** Creates an empty memtable. */
  MemTable create();

  /**
   * The largest {@code max_memtable_size_mb}, in bytes, that this implementation accepts; the
   * engine refuses a larger setting, at open and on a live update, with an error naming this
   * implementation. A memtable created here must hold at least this many bytes ({@link
   * MemTable#sizeBytes()}) plus what lands between the engine's size check and the freeze: the
   * engine checks after each whole write batch, so at least one maximal batch ({@link
   * io.kiwidb.api.Limits#MAX_BATCH_BYTES} encoded, which may charge more in memtable bytes), and
   * more while the flush queue is full.
   *
   * <p>The default, {@link Long#MAX_VALUE}, means no limit beyond the heap's: memtables grow as far
   * as the engine lets them. Implementations with a hard capacity (such as 32-bit internal
   * addresses) override it.
   */
  default long maxMemTableSizeBytes() {
    return Long.MAX_VALUE;
  }
}
