package io.kiwidb.sstable.table;

import java.util.function.LongPredicate;

/**
 * A map from (file number, block offset) to a value, bounded by an entry count, with CLOCK
 * (second-chance) eviction: the store behind the data-block cache.
 *
 * <p>Why not Caffeine, which the index and filter caches use: when the data set is larger than the
 * cache (the usual case for data blocks), most lookups miss and every miss inserts. Caffeine then
 * runs its maintenance (replaying recorded reads into its access-order lists, window and main
 * eviction, the frequency sketch) on every insert, which was 27% of the time of a random seek, and
 * its hash map lookup, through a key object, another 17% (JFR profile in {@code
 * docs/benchmarks.md}). Here a lookup is one lock, a linear probe over primitive arrays, and a bit
 * set; an insert evicts by sweeping a hand over the slots, clearing reference bits until it finds
 * an entry not used since the last sweep. That approximates LRU, as RocksDB's clock cache does; it
 * gives up Caffeine's frequency-based admission, which matters for skewed workloads that scan, not
 * for block reads whose reuse is what the cache measures.
 *
 * <p>Thread safety: safe for concurrent use. Keys are spread over up to 16 shards by hash, each
 * behind its own lock; a lookup or insert holds one shard's lock for a few probes. {@link #resize}
 * may change the shard count; inserts racing with it may be dropped, which a cache may do.
 *
 * <p>Invariants: each shard holds at most its share of the limit (the shares sum to the limit), in
 * an open-addressed table at most half full with no tombstones (deletion shifts later entries of
 * the probe run back), so every key is found by probing from its home slot to the first empty one.
 */
final class ClockCache<V> implements BlockCache.Store<V> {
  private static final int MAX_SHARDS = 16;
  // Fewer shards for small limits, so a small cache is not split into slivers that hash unevenly.
  private static final int MIN_ENTRIES_PER_SHARD = 64;

  private volatile Shard[] shards;

  /**
   * Creates a cache holding at most {@code limit} entries.
   *
   * @throws IllegalArgumentException if the limit is negative
   */
  ClockCache(int limit) {
    this.shards = split(checkLimit(limit), null);
  }

  /** The value cached for the key, or null. Marks it recently used. */
  @Override
  public V get(long file, long offset) {
    int h = hash(file, offset);
    Shard[] s = shards;
    @SuppressWarnings("unchecked")
    V v = (V) s[shardOf(h, s.length)].get(file, offset, h);
    return v;
  }

  /** Caches a value, replacing any value of the same key and evicting if the shard is full. */
  @Override
  public void put(long file, long offset, V value) {
    if (value == null) {
      throw new IllegalArgumentException("null value for file " + file + " offset " + offset);
    }
    int h = hash(file, offset);
    Shard[] s = shards;
    s[shardOf(h, s.length)].put(file, offset, h, value);
  }

  /**
   * Changes the limit; shrinking evicts (entries not used since the last sweep first).
   *
   * @throws IllegalArgumentException if the limit is negative
   */
  @Override
  public synchronized void resize(int limit) {
    shards = split(checkLimit(limit), shards);
  }

  /** Drops every entry whose file number matches. */
  @Override
  public void invalidateFile(long file) {
    for (Shard s : shards) {
      s.retain(f -> f != file);
    }
  }

  /** Drops every entry. */
  @Override
  public void clear() {
    for (Shard s : shards) {
      s.retain(f -> false);
    }
  }

  /** Entries held now. */
  @Override
  public long size() {
    long n = 0;
    for (Shard s : shards) {
      n += s.size();
    }
    return n;
  }

  private static int checkLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("cache limit must be >= 0, got " + limit);
    }
    return limit;
  }

  /** New shards for {@code limit}, filled from {@code old} (if any) as far as they have room. */
  private static Shard[] split(int limit, Shard[] old) {
    int n = 1;
    while (n < MAX_SHARDS && (long) limit / (2L * n) >= MIN_ENTRIES_PER_SHARD) {
      n *= 2;
    }
    if (old != null && old.length == n) {
      for (int i = 0; i < n; i++) {
        old[i].setCapacity(share(limit, n, i));
      }
      return old;
    }
    Shard[] s = new Shard[n];
    for (int i = 0; i < n; i++) {
      s[i] = new Shard(share(limit, n, i));
    }
    if (old != null) {
      for (Shard o : old) {
        o.drainInto(s);
      }
    }
    return s;
  }

  private static int share(int limit, int shards, int i) {
    return limit / shards + (i < limit % shards ? 1 : 0);
  }

  private static int shardOf(int hash, int shards) {
    return (hash >>> 28) & (shards - 1); // the top bits; slots use the bottom ones
  }

  static int hash(long file, long offset) {
    long x = file * 0x9E3779B97F4A7C15L ^ offset;
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return (int) x;
  }

  /** One lock's worth of the cache: an open-addressed table with a clock hand. */
  private static final class Shard {
    private long[] files;
    private long[] offsets;
    private Object[] values; // null marks an empty slot
    private boolean[] referenced;
    private int mask;
    private int size;
    private int capacity;
    private int hand;

    Shard(int capacity) {
      allocate(capacity);
    }

    private void allocate(int capacity) {
      this.capacity = capacity;
      int slots = Integer.highestOneBit(Math.max(1, capacity) * 2 - 1) << 1; // >= 2 x capacity
      files = new long[slots];
      offsets = new long[slots];
      values = new Object[slots];
      referenced = new boolean[slots];
      mask = slots - 1;
      size = 0;
      hand = 0;
    }

    synchronized Object get(long file, long offset, int h) {
      for (int i = h & mask; values[i] != null; i = (i + 1) & mask) {
        if (offsets[i] == offset && files[i] == file) {
          referenced[i] = true;
          return values[i];
        }
      }
      return null;
    }

    synchronized void put(long file, long offset, int h, Object value) {
      if (capacity == 0) {
        return;
      }
      int i = h & mask;
      for (; values[i] != null; i = (i + 1) & mask) {
        if (offsets[i] == offset && files[i] == file) {
          values[i] = value;
          referenced[i] = true;
          return;
        }
      }
      if (size >= capacity) {
        evictOne();
        // The eviction may have shifted entries back into this probe run: find the slot again.
        for (i = h & mask; values[i] != null; i = (i + 1) & mask) {}
      }
      files[i] = file;
      offsets[i] = offset;
      values[i] = value;
      // A new entry starts unreferenced: a block read once and never again goes at the next sweep.
      referenced[i] = false;
      size++;
    }

    /** Sweeps the hand to the first entry not used since the hand last passed it. */
    private void evictOne() {
      while (true) {
        int i = hand;
        hand = (hand + 1) & mask;
        if (values[i] == null) {
          continue;
        }
        if (referenced[i]) {
          referenced[i] = false;
          continue;
        }
        delete(i);
        return;
      }
    }

    /** Empties slot {@code i}, shifting later entries of its probe run back so none is orphaned. */
    private void delete(int i) {
      values[i] = null;
      size--;
      int hole = i;
      for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
        int home = hash(files[j], offsets[j]) & mask;
        // The entry at j may fill the hole only if the hole lies on its probe path (home .. j).
        if (((j - home) & mask) >= ((j - hole) & mask)) {
          files[hole] = files[j];
          offsets[hole] = offsets[j];
          values[hole] = values[j];
          referenced[hole] = referenced[j];
          values[j] = null;
          hole = j;
        }
      }
    }

    synchronized int size() {
      return size;
    }

    synchronized void setCapacity(int newCapacity) {
      while (size > newCapacity) {
        evictOne();
      }
      rehash(newCapacity, f -> true);
    }

    synchronized void retain(LongPredicate keepFile) {
      rehash(capacity, keepFile);
    }

    /** Reinserts the surviving entries into fresh arrays sized for {@code newCapacity}. */
    private void rehash(int newCapacity, LongPredicate keepFile) {
      long[] oldFiles = files;
      long[] oldOffsets = offsets;
      Object[] oldValues = values;
      boolean[] oldReferenced = referenced;
      allocate(newCapacity);
      for (int j = 0; j < oldValues.length; j++) {
        if (oldValues[j] != null && keepFile.test(oldFiles[j])) {
          insertFresh(oldFiles[j], oldOffsets[j], oldValues[j], oldReferenced[j]);
        }
      }
    }

    private void insertFresh(long file, long offset, Object value, boolean ref) {
      int i = hash(file, offset) & mask;
      while (values[i] != null) {
        i = (i + 1) & mask;
      }
      files[i] = file;
      offsets[i] = offset;
      values[i] = value;
      referenced[i] = ref;
      size++;
    }

    /** Moves every entry into {@code target} shards (through their put), then empties this one. */
    synchronized void drainInto(Shard[] target) {
      for (int j = 0; j < values.length; j++) {
        if (values[j] != null) {
          int h = hash(files[j], offsets[j]);
          target[shardOf(h, target.length)].put(files[j], offsets[j], h, values[j]);
        }
      }
      allocate(capacity);
    }
  }
}
