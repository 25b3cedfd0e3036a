package io.kiwidb.kafka.streams;

import static io.kiwidb.kafka.streams.KiwiStoreTest.b;
import static io.kiwidb.kafka.streams.KiwiStoreTest.str;
import static io.kiwidb.kafka.streams.KiwiStoreTest.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Real threads against the store's thread-safety contract, and a seeded model check. */
@ExtendWith(SeededRandomExtension.class)
class KiwiStoreConcurrencyAndModelTest {
  private static final TopicPartition CHANGELOG = new TopicPartition("app-s-changelog", 0);

  @TempDir Path tmp;

  /**
   * One writer (as the stream thread) puts pairs of keys with {@code putAll} and commits; three
   * readers (as interactive-query threads) read both keys through one iterator and must always see
   * them equal: {@code putAll} and commits are atomic to readers, and iterators are snapshots.
   */
  @Test
  void readersNeverSeeHalfAPutAllOrHalfACommit() throws Exception {
    KiwiKeyValueStore store = KiwiStoreTest.open(new TestStoreContext(tmp.resolve("c"), 0));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      store.putAll(List.of(KeyValue.pair(b("a"), v("0")), KeyValue.pair(b("b"), v("0"))));
      store.commit(Map.of(CHANGELOG, 0L));
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(
            pool.submit(
                () -> {
                  int reads = 0;
                  while (!stop.get()) {
                    try (KeyValueIterator<Bytes, byte[]> it = store.range(b("a"), b("b"))) {
                      String a = str(it.next().value);
                      String bv = str(it.next().value);
                      if (!a.equals(bv)) {
                        throw new AssertionError("torn read: a=" + a + " b=" + bv);
                      }
                    }
                    reads++;
                  }
                  return reads;
                }));
      }
      Future<?> writer =
          pool.submit(
              () -> {
                for (int i = 1; i <= 3000; i++) {
                  store.putAll(
                      List.of(
                          KeyValue.pair(b("a"), v(String.valueOf(i))),
                          KeyValue.pair(b("b"), v(String.valueOf(i)))));
                  if (i % 10 == 0) {
                    store.commit(Map.of(CHANGELOG, (long) i));
                  }
                }
                return null;
              });
      writer.get(2, TimeUnit.MINUTES);
      stop.set(true);
      int total = 0;
      for (Future<Integer> r : readers) {
        total += r.get(1, TimeUnit.MINUTES);
      }
      assertTrue(total > 0, "the readers ran");
      assertEquals("3000", str(store.get(b("a"))));
    } finally {
      stop.set(true);
      pool.shutdownNow();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      store.close();
    }
  }

  /**
   * A seeded run of writes, commits, reads and restarts against a {@code TreeMap} model: a restart
   * (close without commit) falls back to the last commit, exactly as the model's committed copy.
   */
  @Test
  void randomOperationsMatchACommittedModelAcrossRestarts(SeededRandom random) {
    TestStoreContext ctx = new TestStoreContext(tmp.resolve("m"), 0);
    TreeMap<Bytes, String> live = new TreeMap<>();
    TreeMap<Bytes, String> committed = new TreeMap<>();
    long offset = 0;
    KiwiKeyValueStore store = KiwiStoreTest.open(ctx, Map.of("max_memtable_entries", 50));
    try {
      for (int i = 0; i < 4000; i++) {
        Bytes key = b("k" + random.nextInt(60));
        int op = random.nextInt(100);
        if (op < 35) {
          String value = "v" + random.nextInt(1000);
          store.put(key, v(value));
          live.put(key, value);
        } else if (op < 45) {
          assertEquals(live.get(key), str(store.delete(key)), "delete's old value");
          live.remove(key);
        } else if (op < 52) {
          List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>();
          for (int j = random.nextInt(4); j >= 0; j--) {
            Bytes k = b("k" + random.nextInt(60));
            String value = random.nextInt(5) == 0 ? null : "p" + random.nextInt(100);
            batch.add(KeyValue.pair(k, value == null ? null : v(value)));
            if (value == null) {
              live.remove(k);
            } else {
              live.put(k, value);
            }
          }
          store.putAll(batch);
        } else if (op < 70) {
          assertEquals(live.get(key), str(store.get(key)), "get " + key);
        } else if (op < 80) {
          Bytes lo = b("k" + random.nextInt(60));
          Bytes hi = b("k" + random.nextInt(60));
          List<String> expected = new ArrayList<>();
          if (lo.compareTo(hi) <= 0) {
            live.subMap(lo, true, hi, true)
                .forEach((k, val) -> expected.add(str(k.get()) + "=" + val));
          }
          assertEquals(
              expected, KiwiStoreTest.drain(store.range(lo, hi)), "range " + lo + ".." + hi);
        } else if (op < 90) {
          store.commit(Map.of(CHANGELOG, ++offset));
          committed = new TreeMap<>(live);
        } else if (op < 93) {
          store.close();
          store = KiwiStoreTest.open(ctx, Map.of("max_memtable_entries", 50));
          live = new TreeMap<>(committed);
          assertEquals(offset == 0 ? null : offset, store.committedOffset(CHANGELOG));
        } else {
          List<String> expected = new ArrayList<>();
          live.forEach((k, val) -> expected.add(str(k.get()) + "=" + val));
          assertEquals(expected, KiwiStoreTest.drain(store.all()), "all");
        }
      }
    } finally {
      store.close();
    }
  }

  @Test
  void queriesCheckThePositionBoundAndTheIsolationLevel() {
    TestStoreContext ctx = new TestStoreContext(tmp.resolve("q"), 3);
    KiwiKeyValueStore store = KiwiStoreTest.open(ctx);
    try {
      ctx.processing("input", 3, 10);
      store.put(b("a"), v("committed"));
      store.commit(Map.of(CHANGELOG, 1L));
      ctx.processing("input", 3, 11);
      store.put(b("a"), v("uncommitted"));
      QueryConfig config = new QueryConfig(true);

      QueryResult<byte[]> latest =
          store.query(KeyQuery.<Bytes, byte[]>withKey(b("a")), PositionBound.unbounded(), config);
      assertEquals("uncommitted", str(latest.getResult()));
      assertEquals(11L, latest.getPosition().getPartitionPositions("input").get(3));
      assertTrue(latest.getExecutionInfo().get(0).contains("KiwiKeyValueStore"));

      QueryResult<byte[]> readCommitted =
          store.query(
              KeyQuery.<Bytes, byte[]>withKey(b("a")),
              PositionBound.unbounded(),
              new QueryConfig(false, org.apache.kafka.common.IsolationLevel.READ_COMMITTED));
      assertEquals("committed", str(readCommitted.getResult()));

      QueryResult<byte[]> ahead =
          store.query(
              KeyQuery.<Bytes, byte[]>withKey(b("a")),
              PositionBound.at(Position.emptyPosition().withComponent("input", 3, 12)),
              config);
      assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());
      QueryResult<byte[]> reached =
          store.query(
              KeyQuery.<Bytes, byte[]>withKey(b("a")),
              PositionBound.at(Position.emptyPosition().withComponent("input", 3, 11)),
              config);
      assertTrue(reached.isSuccess());
      QueryResult<byte[]> otherPartition =
          store.query(
              KeyQuery.<Bytes, byte[]>withKey(b("a")),
              PositionBound.at(Position.emptyPosition().withComponent("input", 4, 99)),
              config);
      assertTrue(otherPartition.isSuccess(), "a bound on another partition does not apply");

      QueryResult<KeyValueIterator<Bytes, byte[]>> range =
          store.query(RangeQuery.withRange(b("a"), b("z")), PositionBound.unbounded(), config);
      assertEquals(List.of("a=uncommitted"), KiwiStoreTest.drain(range.getResult()));
      QueryResult<?> unknown =
          store.query(
              WindowKeyQuery.withKeyAndWindowStartRange(
                  b("a"), java.time.Instant.EPOCH, java.time.Instant.EPOCH),
              PositionBound.unbounded(),
              config);
      assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, unknown.getFailureReason());
      assertNull(
          store
              .query(KeyQuery.<Bytes, byte[]>withKey(b("zz")), PositionBound.unbounded(), config)
              .getResult());
    } finally {
      store.close();
    }
  }
}
