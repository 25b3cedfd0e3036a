package io.kiwidb.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.Limits;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour of {@link StorageEngine} that every engine behind {@link
 * io.kiwidb.api.spi.EngineProvider} must have, and that a test double standing in for the engine
 * should have too: point reads and writes with copy semantics, key and value limits, atomic
 * batches, snapshots, ordered iteration in unsigned byte order with bounds and prefixes, flush and
 * reopen, and the closed state. An implementation's test extends this class.
 *
 * <p>The engine-specific conformance with the reference engine (log lines, config, stats fields)
 * lives with the engine; this contract is what any caller of the interface may rely on.
 *
 * <p>Every randomised test prints its seed ({@link SeededRandomExtension}).
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class StorageEngineContract {
  /** A fresh directory per test; {@link #open} is called on it, possibly more than once. */
  @TempDir protected Path dataRoot;

  /** Creates the contract (subclasses only). */
  protected StorageEngineContract() {}

  /**
   * Opens the engine under test on {@code dataRoot}. Called again after {@link
   * StorageEngine#close()} to reopen the same store, which must then hold what was written.
   */
  protected abstract StorageEngine open(Path dataRoot);

  /** UTF-8 bytes of {@code s}. */
  protected static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static String s(Optional<byte[]> v) {
    return v.map(x -> new String(x, UTF_8)).orElse(null);
  }

  /** Every (key, value) the iterator yields from its current position forwards. */
  private static List<String> forward(KiwiIterator it) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      out.add(new String(it.key(), UTF_8) + "=" + new String(it.value(), UTF_8));
    }
    return out;
  }

  private void withEngine(Consumer<StorageEngine> body) {
    try (StorageEngine engine = open(dataRoot)) {
      body.accept(engine);
    }
  }

  @Test
  void putGetOverwriteDelete() {
    withEngine(
        e -> {
          assertTrue(e.get(b("k")).isEmpty(), "absent before the first write");
          e.put(b("k"), b("v1"));
          assertEquals("v1", s(e.get(b("k"))));
          e.put(b("k"), b("v2"));
          assertEquals("v2", s(e.get(b("k"))), "the newest write wins");
          e.delete(b("k"));
          assertTrue(e.get(b("k")).isEmpty(), "a delete hides the key");
          e.delete(b("never-written"));
          assertTrue(e.get(b("never-written")).isEmpty(), "deleting an absent key is allowed");
          e.put(b("k"), new byte[0]);
          assertArrayEquals(new byte[0], e.get(b("k")).orElseThrow(), "empty value != absent");
        });
  }

  @Test
  void keysAndValuesAreCopiedInAndOut() {
    withEngine(
        e -> {
          byte[] key = b("key");
          byte[] value = b("value");
          e.put(key, value);
          key[0] = 'X';
          value[0] = 'X';
          byte[] read = e.get(b("key")).orElseThrow();
          assertEquals("value", new String(read, UTF_8), "caller's arrays were not kept");
          read[0] = 'Y';
          assertEquals("value", s(e.get(b("key"))), "returned arrays are the caller's own");
        });
  }

  @Test
  void badKeysAndValuesAreRejectedNamingTheProblem() {
    withEngine(
        e -> {
          assertThrows(NullPointerException.class, () -> e.put(null, b("v")));
          assertThrows(NullPointerException.class, () -> e.put(b("k"), null));
          IllegalArgumentException empty =
              assertThrows(IllegalArgumentException.class, () -> e.put(new byte[0], b("v")));
          assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
          byte[] longKey = new byte[Limits.MAX_KEY_BYTES + 1];
          IllegalArgumentException tooLong =
              assertThrows(IllegalArgumentException.class, () -> e.put(longKey, b("v")));
          assertTrue(tooLong.getMessage().contains("" + longKey.length), tooLong.getMessage());
          assertThrows(IllegalArgumentException.class, () -> e.get(new byte[0]));
          assertThrows(IllegalArgumentException.class, () -> e.delete(longKey));
          byte[] bigValue = new byte[Limits.MAX_VALUE_BYTES + 1];
          assertThrows(IllegalArgumentException.class, () -> e.put(b("k"), bigValue));
          byte[] maxKey = new byte[Limits.MAX_KEY_BYTES];
          Arrays.fill(maxKey, (byte) 7);
          e.put(maxKey, b("at the limit"));
          assertEquals("at the limit", s(e.get(maxKey)));
          assertTrue(e.get(b("k")).isEmpty(), "rejected writes left nothing behind");
        });
  }

  @Test
  void aBatchAppliesInOrderAndAllAtOnce() {
    withEngine(
        e -> {
          e.put(b("gone"), b("old"));
          WriteBatch batch =
              new WriteBatch()
                  .put(b("a"), b("1"))
                  .put(b("b"), b("2"))
                  .delete(b("gone"))
                  .put(b("c"), b("x"))
                  .delete(b("c"))
                  .put(b("a"), b("1b"));
          e.write(batch);
          assertEquals("1b", s(e.get(b("a"))), "a later operation on a key wins");
          assertEquals("2", s(e.get(b("b"))));
          assertTrue(e.get(b("c")).isEmpty());
          assertTrue(e.get(b("gone")).isEmpty());
          e.write(new WriteBatch());
          assertEquals("2", s(e.get(b("b"))), "an empty batch changes nothing");
        });
  }

  @Test
  void concurrentReadersNeverSeeHalfABatch() throws Exception {
    try (StorageEngine e = open(dataRoot)) {
      int keys = 20;
      WriteBatch first = new WriteBatch();
      for (int i = 0; i < keys; i++) {
        first.put(b("batch-" + i), b("0"));
      }
      e.write(first);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      CountDownLatch done = new CountDownLatch(1);
      try {
        Future<?> reader =
            pool.submit(
                () -> {
                  while (done.getCount() > 0) {
                    try (KiwiIterator it = e.iterator(ScanOptions.prefix(b("batch-")))) {
                      it.seekToFirst();
                      String generation = null;
                      int seen = 0;
                      for (; it.isValid(); it.next()) {
                        String v = new String(it.value(), UTF_8);
                        if (generation == null) {
                          generation = v;
                        }
                        assertEquals(generation, v, "one scan saw two batches' values");
                        seen++;
                      }
                      assertEquals(keys, seen);
                    }
                  }
                  return null;
                });
        for (int round = 1; round <= 200; round++) {
          WriteBatch next = new WriteBatch();
          for (int i = 0; i < keys; i++) {
            next.put(b("batch-" + i), b(Integer.toString(round)));
          }
          e.write(next);
        }
        done.countDown();
        reader.get(30, TimeUnit.SECONDS);
      } finally {
        done.countDown();
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aSnapshotFreezesPointReadsAndScans() {
    withEngine(
        e -> {
          e.put(b("a"), b("1"));
          e.put(b("b"), b("1"));
          try (Snapshot snap = e.snapshot()) {
            e.put(b("a"), b("2"));
            e.delete(b("b"));
            e.put(b("c"), b("2"));
            assertEquals("1", s(e.get(b("a"), snap)));
            assertEquals("1", s(e.get(b("b"), snap)));
            assertTrue(e.get(b("c"), snap).isEmpty());
            e.flush();
            assertEquals("1", s(e.get(b("b"), snap)), "a flush does not move a snapshot");
            try (KiwiIterator it = e.iterator(ScanOptions.all().withSnapshot(snap))) {
              it.seekToFirst();
              assertEquals(List.of("a=1", "b=1"), forward(it));
            }
            assertEquals("2", s(e.get(b("a"))), "reads without the snapshot see the newest");
          }
        });
  }

  @Test
  void iteratorsOrderKeysAsUnsignedBytesBothWays(SeededRandom random) {
    withEngine(
        e -> {
          NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
          for (int i = 0; i < 300; i++) {
            byte[] k = random.bytes(1 + random.nextInt(4));
            if (random.nextInt(5) == 0) {
              e.delete(k);
              model.remove(k);
            } else {
              byte[] v = random.bytes(random.nextInt(8));
              e.put(k, v);
              model.put(k, v);
            }
            if (i == 150) {
              e.flush();
            }
          }
          try (KiwiIterator it = e.iterator(ScanOptions.all())) {
            it.seekToFirst();
            for (Map.Entry<byte[], byte[]> m : model.entrySet()) {
              assertTrue(it.isValid(), "iterator ended early");
              assertArrayEquals(m.getKey(), it.key());
              assertArrayEquals(m.getValue(), it.value());
              it.next();
            }
            assertFalse(it.isValid(), "iterator yields exactly the live keys");
            it.seekToLast();
            for (Map.Entry<byte[], byte[]> m : model.descendingMap().entrySet()) {
              assertTrue(it.isValid(), "reverse iteration ended early");
              assertArrayEquals(m.getKey(), it.key());
              it.prev();
            }
            assertFalse(it.isValid());
            for (int i = 0; i < 100; i++) {
              byte[] target = random.bytes(1 + random.nextInt(3));
              it.seek(target);
              Map.Entry<byte[], byte[]> ceil = model.ceilingEntry(target);
              assertEquals(ceil != null, it.isValid(), "seek validity");
              if (ceil != null) {
                assertArrayEquals(ceil.getKey(), it.key(), "seek lands on the ceiling");
              }
              it.seekForPrev(target);
              Map.Entry<byte[], byte[]> floor = model.floorEntry(target);
              assertEquals(floor != null, it.isValid(), "seekForPrev validity");
              if (floor != null) {
                assertArrayEquals(floor.getKey(), it.key(), "seekForPrev lands on the floor");
              }
            }
          }
        });
  }

  @Test
  void boundsAndPrefixesLimitAScan() {
    withEngine(
        e -> {
          for (String k : List.of("a", "b1", "b2", "b3", "c", "d")) {
            e.put(b(k), b(k.toUpperCase(java.util.Locale.ROOT)));
          }
          e.put(new byte[] {'b', (byte) 0xFF}, b("high"));
          try (KiwiIterator it = e.iterator(ScanOptions.range(b("b2"), b("d")))) {
            it.seekToFirst();
            assertEquals(List.of("b2=B2", "b3=B3", "b\uFFFD=high", "c=C"), forward(it));
            it.seekToLast();
            assertEquals("c", new String(it.key(), UTF_8), "upper bound is exclusive");
            it.seek(b("a"));
            assertEquals("b2", new String(it.key(), UTF_8), "seek below the range clamps");
          }
          try (KiwiIterator it = e.iterator(ScanOptions.prefix(b("b")))) {
            it.seekToLast();
            assertArrayEquals(new byte[] {'b', (byte) 0xFF}, it.key(), "prefix end at 0xFF");
            it.prev();
            assertEquals("b3", new String(it.key(), UTF_8));
          }
          try (KiwiIterator it = e.iterator(ScanOptions.range(b("x"), b("z")))) {
            it.seekToFirst();
            assertFalse(it.isValid(), "an empty range yields nothing");
          }
        });
  }

  @Test
  void anIteratorSeesTheStoreAsOfItsCreation() {
    withEngine(
        e -> {
          e.put(b("a"), b("1"));
          e.put(b("b"), b("1"));
          try (KiwiIterator it = e.iterator(ScanOptions.all())) {
            e.put(b("a"), b("2"));
            e.delete(b("b"));
            e.put(b("c"), b("2"));
            e.flush();
            it.seekToFirst();
            assertEquals(List.of("a=1", "b=1"), forward(it));
          }
        });
  }

  @Test
  void flushReportsWhetherThereWasAnythingAndKeepsTheData() {
    withEngine(
        e -> {
          assertFalse(e.flush(), "nothing to flush in a new store");
          e.put(b("k"), b("v"));
          assertTrue(e.flush());
          assertFalse(e.flush(), "nothing written since the last flush");
          assertEquals("v", s(e.get(b("k"))));
        });
  }

  @Test
  void aReopenedStoreHoldsWhatWasWritten() {
    withEngine(
        e -> {
          e.put(b("flushed"), b("1"));
          e.put(b("deleted"), b("1"));
          e.flush();
          e.delete(b("deleted"));
          e.put(b("unflushed"), b("2"));
          e.write(new WriteBatch().put(b("batched"), b("3")));
        });
    withEngine(
        e -> {
          assertEquals("1", s(e.get(b("flushed"))));
          assertEquals("2", s(e.get(b("unflushed"))));
          assertEquals("3", s(e.get(b("batched"))));
          assertTrue(e.get(b("deleted")).isEmpty(), "a delete survives a reopen");
        });
  }

  @Test
  void closeIsIdempotentAndEveryLaterCallFailsClearly() {
    StorageEngine e = open(dataRoot);
    e.put(b("k"), b("v"));
    KiwiIterator open = e.iterator(ScanOptions.all());
    open.close();
    e.close();
    e.close();
    List<Runnable> calls =
        List.of(
            () -> e.put(b("k"), b("v")),
            () -> e.get(b("k")),
            () -> e.delete(b("k")),
            () -> e.write(new WriteBatch().put(b("k"), b("v"))),
            e::flush,
            e::snapshot,
            () -> e.iterator(ScanOptions.all()),
            e::stats);
    for (Runnable call : calls) {
      EngineClosedException ex = assertThrows(EngineClosedException.class, call::run);
      assertTrue(ex.getMessage().toLowerCase(java.util.Locale.ROOT).contains("closed"));
    }
  }

  @Test
  void writersOnManyThreadsLoseNothing() throws Exception {
    try (StorageEngine e = open(dataRoot)) {
      int threads = 4;
      int perThread = 500;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int id = t;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perThread; i++) {
                      e.put(b(id + ":" + i), b("v" + i));
                      if (i % 100 == 99) {
                        e.flush();
                      }
                    }
                  }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          assertEquals("v" + i, s(e.get(b(t + ":" + i))), "key " + t + ":" + i);
        }
      }
      assertTrue(e.stats().counters().writes() >= threads * ((long) perThread), "writes counted");
    }
  }

  @Test
  void theAsyncViewCompletesWithTheSameEffects() throws Exception {
    try (StorageEngine e = open(dataRoot)) {
      e.async().put(b("a"), b("1")).get(10, TimeUnit.SECONDS);
      e.async().write(new WriteBatch().put(b("b"), b("2"))).get(10, TimeUnit.SECONDS);
      assertEquals("1", s(e.async().get(b("a")).get(10, TimeUnit.SECONDS)));
      e.async().delete(b("a")).get(10, TimeUnit.SECONDS);
      assertTrue(e.get(b("a")).isEmpty());
      assertTrue(e.async().flush().get(10, TimeUnit.SECONDS));
      assertEquals("2", s(e.get(b("b"))));
    }
  }
}
