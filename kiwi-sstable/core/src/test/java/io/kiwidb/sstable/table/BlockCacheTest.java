package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.LookupTrace.CacheAnswer;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.sstable.BlockCacheStats;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BlockCacheTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();

  /** A table whose 200 entries fill many 64-byte blocks, one key per block roughly. */
  private TableReader table(long number, BlockCache cache) {
    Path p = Path.of("/" + TableFiles.fileName(number));
    TableOptions o =
        TableOptions.defaults().withBlockSize(64).withFilter(new ExactFilterPolicy(), 0.01);
    try (TableBuilder b = TableBuilder.create(fs, p, o)) {
      for (int i = 0; i < 200; i++) {
        b.add(InternalEntry.put(key(i), 1, new byte[40]));
      }
      b.finish();
    }
    return TableReader.open(fs, p, number, cache, DeflateCompressor.CODECS);
  }

  private static byte[] key(int i) {
    return Bytes.utf8(String.format("k%05d", i));
  }

  @Test
  void countsHitsAndMissesPerCache() {
    BlockCache cache = new BlockCache(10, 1, 1);
    try (TableReader t = table(1, cache)) {
      assertEquals(CacheAnswer.MISS, t.get(key(3), 5).cache());
      assertEquals(CacheAnswer.HIT, t.get(key(3), 5).cache());
      BlockCacheStats s = cache.stats();
      assertEquals(new BlockCacheStats.Tier(1, 1, 1, 10), s.data());
      assertEquals(new BlockCacheStats.Tier(1, 1, 1, 1), s.index());
      assertEquals(new BlockCacheStats.Tier(1, 1, 1, 1), s.filter());
      assertEquals(0.5, s.data().hitRate());
    }
  }

  @Test
  void boundedByEntryCountAndResizableLive() {
    BlockCache cache = new BlockCache(10, 1, 1);
    try (TableReader t = table(1, cache)) {
      for (int i = 0; i < 200; i++) {
        t.get(key(i), 5);
      }
      assertEquals(10, cache.stats().data().entries());
      cache.resize(3, 1, 1);
      assertEquals(3, cache.stats().data().entries());
      assertEquals(3, cache.stats().data().limit());
      cache.resize(0, 1, 1);
      assertEquals(0, cache.stats().data().entries());
      long misses = cache.stats().data().misses();
      assertEquals(CacheAnswer.MISS, t.get(key(0), 5).cache());
      assertEquals(CacheAnswer.MISS, t.get(key(0), 5).cache(), "a zero limit disables the cache");
      assertEquals(misses + 2, cache.stats().data().misses());
    }
    assertThrows(IllegalArgumentException.class, () -> cache.resize(-1, 1, 1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BlockCache(1, 1, -2));
    assertEquals("cache_bloom_entry_limit must be >= 0, got -2", e.getMessage());
  }

  @Test
  void aCacheCreatedDisabledCanBeEnabledLive() {
    BlockCache cache = new BlockCache(0, 0, 0);
    try (TableReader t = table(1, cache)) {
      assertEquals(CacheAnswer.MISS, t.get(key(7), 5).cache());
      assertEquals(CacheAnswer.MISS, t.get(key(7), 5).cache());
      cache.resize(4, 1, 1);
      assertEquals(CacheAnswer.MISS, t.get(key(7), 5).cache());
      assertEquals(CacheAnswer.HIT, t.get(key(7), 5).cache());
      assertEquals(1, cache.stats().index().hits());
    }
  }

  @Test
  void invalidateFileDropsOnlyThatFilesBlocks() {
    BlockCache cache = BlockCache.withDefaults();
    try (TableReader a = table(1, cache);
        TableReader b = table(2, cache)) {
      a.get(key(1), 5);
      b.get(key(1), 5);
      assertEquals(2, cache.stats().data().entries());
      cache.invalidateFile(1);
      assertEquals(1, cache.stats().data().entries());
      assertEquals(1, cache.stats().index().entries());
      assertEquals(1, cache.stats().filter().entries());
      assertEquals(CacheAnswer.HIT, b.get(key(1), 5).cache());
      assertEquals(CacheAnswer.MISS, a.get(key(1), 5).cache());
    }
  }

  @Test
  void concurrentReadersShareTheCache() throws Exception {
    BlockCache cache = new BlockCache(16, 4, 4);
    try (TableReader t = table(1, cache)) {
      Thread[] threads = new Thread[4];
      java.util.concurrent.atomic.AtomicReference<Throwable> failure =
          new java.util.concurrent.atomic.AtomicReference<>();
      for (int n = 0; n < threads.length; n++) {
        int seed = n;
        threads[n] =
            new Thread(
                () -> {
                  java.util.Random r = new java.util.Random(seed);
                  try {
                    for (int i = 0; i < 2000; i++) {
                      int k = r.nextInt(220);
                      InternalEntry e = t.get(key(k), 5).entry();
                      if ((e != null) != (k < 200)) {
                        throw new AssertionError("wrong answer for key " + k);
                      }
                    }
                  } catch (Throwable ex) {
                    failure.compareAndSet(null, ex);
                  }
                });
        threads[n].start();
      }
      for (Thread th : threads) {
        th.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      BlockCacheStats.Tier d = cache.stats().data();
      // Keys >= 200 are rejected by the filter (range check for k >= 200 too): no data lookup.
      assertEquals(true, d.hits() + d.misses() <= 8000 && d.hits() > 0);
    }
  }
}
