package io.kiwidb.sstable;

/**
 * Counters of the block cache's three tiers.
 *
 * @param data data blocks
 * @param index index blocks
 * @param filter filters
 */
public record BlockCacheStats(Tier data, Tier index, Tier filter) {
  /**
   * Counters of one tier.
   *
   * @param hits lookups answered from the cache
   * @param misses lookups that had to read the file
   * @param entries entries held now (approximate while evictions are pending)
   * @param limit the configured entry limit
   */
  public record Tier(long hits, long misses, long entries, long limit) {
    /** Hits over lookups, or 0 before any lookup. */
    public double hitRate() {
      long total = hits + misses;
      return total == 0 ? 0 : (double) hits / total;
    }
  }

  /** Hits over every tier. */
  public long hits() {
    return data.hits + index.hits + filter.hits;
  }

  /** Misses over every tier. */
  public long misses() {
    return data.misses + index.misses + filter.misses;
  }
}
