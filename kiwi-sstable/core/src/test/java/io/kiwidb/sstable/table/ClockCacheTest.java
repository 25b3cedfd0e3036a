package io.kiwidb.sstable.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The data-block store against a map of what was last put: never a wrong or stale value, never more
 * entries than the limit, through inserts, replacements, invalidations, resizes (which change the
 * shard count) and clears, from one thread and from several.
 */
@ExtendWith(SeededRandomExtension.class)
class ClockCacheTest {
  private record K(long file, long offset) {}

  @Test
  void randomOperationsAgainstAModel(SeededRandom random) {
    int limit = 1 + random.nextInt(300);
    ClockCache<Object> cache = new ClockCache<>(limit);
    Map<K, Object> lastPut = new HashMap<>();
    for (int op = 0; op < 200_000; op++) {
      K k = new K(random.nextInt(8), 4096L * random.nextInt(200));
      int what = random.nextInt(1000);
      if (what < 500) {
        Object v = new Object();
        cache.put(k.file, k.offset, v);
        lastPut.put(k, v);
        if (limit > 0) {
          assertSame(v, cache.get(k.file, k.offset), "op " + op + ": a value just put is found");
        }
      } else if (what < 990) {
        Object v = cache.get(k.file, k.offset);
        if (v != null) {
          assertSame(lastPut.get(k), v, "op " + op + ": " + k);
        }
      } else if (what < 996) {
        cache.invalidateFile(k.file);
        lastPut.keySet().removeIf(x -> x.file == k.file);
      } else if (what < 999) {
        limit = random.nextInt(2000);
        cache.resize(limit);
      } else {
        cache.clear();
        lastPut.clear();
      }
      assertTrue(cache.size() <= limit, "op " + op + ": size " + cache.size() + " > " + limit);
      if (op % 1000 == 0) {
        // Every entry counted is reachable: deletions left no entry stranded past an empty slot.
        long reachable =
            lastPut.keySet().stream().filter(x -> cache.get(x.file, x.offset) != null).count();
        assertEquals(cache.size(), reachable, "op " + op);
      }
    }
  }

  @Test
  void fillsToItsLimitAndNoFurther() {
    for (int limit : new int[] {0, 1, 3, 127, 128, 129, 5000}) {
      ClockCache<Object> cache = new ClockCache<>(limit);
      for (int i = 0; i < 3 * limit + 10; i++) {
        cache.put(i % 7, i, new Object());
      }
      assertEquals(limit, cache.size(), "limit " + limit);
    }
  }

  @Test
  void anEntryUsedBetweenInsertsSurvivesAStreamOfOneTimeBlocks() {
    ClockCache<Object> cache = new ClockCache<>(64);
    Object hot = new Object();
    cache.put(1, 0, hot);
    for (int i = 1; i <= 10_000; i++) {
      cache.put(2, i, new Object());
      assertSame(hot, cache.get(1, 0), "after " + i + " one-time inserts");
    }
  }

  @Test
  void shrinkingEvictsDownToTheNewLimitAndKeepsTheRest() {
    ClockCache<Object> cache = new ClockCache<>(4096);
    Object[] values = new Object[4096];
    for (int i = 0; i < values.length; i++) {
      values[i] = new Object();
      cache.put(3, i, values[i]);
    }
    cache.resize(100);
    assertEquals(100, cache.size());
    int found = 0;
    for (int i = 0; i < values.length; i++) {
      Object v = cache.get(3, i);
      if (v != null) {
        assertSame(values[i], v);
        found++;
      }
    }
    assertEquals(100, found);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cache.resize(-1));
    assertEquals("cache limit must be >= 0, got -1", e.getMessage());
  }

  @Test
  void concurrentReadersWritersAndResizesNeverSeeAWrongValue(SeededRandom random) throws Exception {
    ClockCache<Long> cache = new ClockCache<>(1000);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[4];
    long seed = random.nextLong();
    for (int t = 0; t < threads.length; t++) {
      long threadSeed = seed + t;
      boolean resizer = t == 0;
      threads[t] =
          new Thread(
              () -> {
                java.util.SplittableRandom r = new java.util.SplittableRandom(threadSeed);
                try {
                  for (int i = 0; i < 200_000; i++) {
                    long file = r.nextInt(4);
                    long offset = r.nextInt(3000);
                    if (resizer && i % 5000 == 0) {
                      cache.resize(100 + r.nextInt(3000));
                    } else if (r.nextBoolean()) {
                      cache.put(file, offset, file * 1_000_000 + offset);
                    } else {
                      Long v = cache.get(file, offset);
                      if (v != null && v != file * 1_000_000 + offset) {
                        throw new AssertionError(v + " cached for " + file + "/" + offset);
                      }
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError("seed " + seed, failure.get());
    }
    cache.resize(1000);
    assertTrue(cache.size() <= 1000, "size " + cache.size());
    assertNull(cache.get(99, 0));
  }
}
