package io.kiwidb.sstable.table;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.sstable.BlockCacheStats;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Three caches shared by every open table: decoded data blocks, index blocks and filters, each
 * bounded by an entry count (the reference's {@code cache_data_entry_limit}, {@code
 * cache_index_entry_limit} and {@code cache_bloom_entry_limit}) and keyed by (file number, block
 * offset). Entry counts rather than bytes keep the reference's knobs; a data block is about {@code
 * block_size} bytes, so the data cache holds roughly {@code limit * block_size} bytes. Data blocks
 * live in a {@link ClockCache} (cheap inserts, for a cache that mostly misses); index blocks and
 * filters, one per table and nearly always hits, in Caffeine.
 *
 * <p>A limit of 0 disables that cache: lookups always read the file and count a miss (used for
 * cold-cache benchmarks). Limits can be changed live with {@link #resize}.
 *
 * <p>Thread safety: safe for concurrent use. Two readers missing the same block at once may both
 * read it; the second insert simply replaces the first (blocks are immutable, so either is
 * correct), which is cheaper than holding a lock across file I/O.
 *
 * <p>Invariants: a cached block is the verified, decompressed content of the block at that offset
 * of that file number. File numbers are never reused, and {@link #invalidateFile} is called when a
 * table is deleted, so a stale block can never be served for another file.
 */
public final class BlockCache {
  /** The reference's default {@code cache_data_entry_limit}. */
  public static final int DEFAULT_DATA_ENTRIES = 256;

  /** The reference's default {@code cache_index_entry_limit}. */
  public static final int DEFAULT_INDEX_ENTRIES = 64;

  /** The reference's default {@code cache_bloom_entry_limit}. */
  public static final int DEFAULT_FILTER_ENTRIES = 64;

  private final Tier<Block> data;
  private final Tier<IndexBlock> index;
  private final Tier<FilterPolicy.Reader> filter;

  /**
   * Creates a cache with the given entry limits.
   *
   * @throws IllegalArgumentException if a limit is negative
   */
  public BlockCache(int dataEntries, int indexEntries, int filterEntries) {
    data = new Tier<>("cache_data_entry_limit", dataEntries, ClockCache::new);
    index = new Tier<>("cache_index_entry_limit", indexEntries, CaffeineStore::new);
    filter = new Tier<>("cache_bloom_entry_limit", filterEntries, CaffeineStore::new);
  }

  /** A cache with the reference's default limits (256 / 64 / 64). */
  public static BlockCache withDefaults() {
    return new BlockCache(DEFAULT_DATA_ENTRIES, DEFAULT_INDEX_ENTRIES, DEFAULT_FILTER_ENTRIES);
  }

  /**
   * Changes the limits live; shrinking evicts down to the new bound.
   *
   * @throws IllegalArgumentException if a limit is negative
   */
  public void resize(int dataEntries, int indexEntries, int filterEntries) {
    data.resize(dataEntries);
    index.resize(indexEntries);
    filter.resize(filterEntries);
  }

  /** Drops every cached block of a file (call when the table is deleted). */
  public void invalidateFile(long fileNumber) {
    data.invalidateFile(fileNumber);
    index.invalidateFile(fileNumber);
    filter.invalidateFile(fileNumber);
  }

  /** Drops everything; counters are kept. */
  public void invalidateAll() {
    data.store.clear();
    index.store.clear();
    filter.store.clear();
  }

  /** Hit/miss counts and sizes of the three caches. */
  public BlockCacheStats stats() {
    return new BlockCacheStats(data.stats(), index.stats(), filter.stats());
  }

  Tier<Block> data() {
    return data;
  }

  Tier<IndexBlock> index() {
    return index;
  }

  Tier<FilterPolicy.Reader> filter() {
    return filter;
  }

  /** Cache key: a block of a file. */
  record Key(long fileNumber, long offset) {}

  /** What a tier keeps its entries in, keyed by (file number, block offset). */
  interface Store<V> {
    V get(long file, long offset);

    void put(long file, long offset, V value);

    void resize(int limit);

    void invalidateFile(long file);

    void clear();

    long size();
  }

  /**
   * Caffeine (W-TinyLFU) for index blocks and filters: one entry per table, nearly always hits, so
   * its per-insert maintenance is rare, and its frequency-based admission keeps the hot tables'
   * entries when a scan touches many cold tables.
   */
  private static final class CaffeineStore<V> implements Store<V> {
    private final Cache<Key, V> cache;

    CaffeineStore(int limit) {
      // Maintenance runs on the calling thread: sizes are exact right after a put or a resize.
      this.cache = Caffeine.newBuilder().maximumSize(limit).executor(Runnable::run).build();
    }

    @Override
    public V get(long file, long offset) {
      return cache.getIfPresent(new Key(file, offset));
    }

    @Override
    public void put(long file, long offset, V value) {
      cache.put(new Key(file, offset), value);
    }

    @Override
    public void resize(int limit) {
      cache.policy().eviction().orElseThrow().setMaximum(limit);
      cache.cleanUp();
    }

    @Override
    public void invalidateFile(long file) {
      cache.asMap().keySet().removeIf(k -> k.fileNumber() == file);
    }

    @Override
    public void clear() {
      cache.invalidateAll();
    }

    @Override
    public long size() {
      return cache.estimatedSize();
    }
  }

  /** One bounded cache with its own counters. */
  static final class Tier<V> {
    private final String name;
    private final Store<V> store;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile int limit;

    Tier(String name, int limit, IntFunction<Store<V>> stores) {
      this.name = name;
      this.limit = checkLimit(name, limit);
      this.store = stores.apply(limit);
    }

    private static int checkLimit(String name, int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException(name + " must be >= 0, got " + limit);
      }
      return limit;
    }

    /** The cached value, counting a hit or a miss. */
    V get(long fileNumber, long offset) {
      V v = limit == 0 ? null : store.get(fileNumber, offset);
      (v == null ? misses : hits).increment();
      return v;
    }

    void put(long fileNumber, long offset, V value) {
      if (limit > 0) {
        store.put(fileNumber, offset, value);
      }
    }

    void resize(int newLimit) {
      checkLimit(name, newLimit);
      limit = newLimit;
      store.resize(newLimit);
    }

    void invalidateFile(long fileNumber) {
      store.invalidateFile(fileNumber);
    }

    BlockCacheStats.Tier stats() {
      return new BlockCacheStats.Tier(hits.sum(), misses.sum(), store.size(), limit);
    }
  }
}
