package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The workload loops against an in-memory store: operation counts, and the live-key ledger that the
 * untimed replays rebuild from the workers' seeds must agree with what the store holds.
 */
class WorkloadRunnerTest {

  /** A sorted map behind the adapter interface; counts gets and puts. */
  static final class MapAdapter implements DbAdapter {
    final ConcurrentSkipListMap<byte[], byte[]> map =
        new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    final AtomicLong gets = new AtomicLong();
    final AtomicLong puts = new AtomicLong();

    @Override
    public void put(byte[] key, byte[] value) {
      puts.incrementAndGet();
      map.put(key.clone(), value.clone());
    }

    @Override
    public byte[] get(byte[] key) {
      gets.incrementAndGet();
      return map.get(key);
    }

    @Override
    public void delete(byte[] key) {
      map.remove(key);
    }

    @Override
    public void writeBatch(byte[][] keys, byte[][] values, int count) {
      for (int i = 0; i < count; i++) {
        if (values[i] == null) {
          delete(keys[i]);
        } else {
          put(keys[i], values[i]);
        }
      }
    }

    @Override
    public Cursor cursor() {
      return new Cursor() {
        Map.Entry<byte[], byte[]> at;

        @Override
        public void seekToFirst() {
          at = map.firstEntry();
        }

        @Override
        public void seekToLast() {
          at = map.lastEntry();
        }

        @Override
        public void seek(byte[] target) {
          at = map.ceilingEntry(target);
        }

        @Override
        public void next() {
          at = map.higherEntry(at.getKey());
        }

        @Override
        public void prev() {
          at = map.lowerEntry(at.getKey());
        }

        @Override
        public boolean isValid() {
          return at != null;
        }

        @Override
        public byte[] key() {
          return at.getKey();
        }

        @Override
        public byte[] value() {
          return at.getValue();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void flushAndSettle() {}

    @Override
    public long diskBytes() {
      return 0;
    }

    @Override
    public BackgroundWrites backgroundWrites() {
      return new BackgroundWrites(0, 0, -1);
    }

    @Override
    public long fileCount() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private static final int NUM = 5000;

  private static BenchOptions options(String threads) {
    return BenchOptions.parse("--num", "" + NUM, "--threads", threads, "--seed", "11");
  }

  private static WorkloadRunner.Outcome run(
      WorkloadRunner r, MapAdapter db, StoreState s, Workload w, int threads) {
    WorkloadRunner.Outcome o = r.run(db, new WorkloadSpec(w, threads), s);
    assertEquals(db.map.size(), s.ledger().count(), w + ": the ledger replays what was written");
    return o;
  }

  @Test
  void dbBenchWorkloadsCountTheirOperationsAndTheLedgerTracksTheLiveKeys() {
    BenchOptions o = options("1");
    KeySpace keys = new KeySpace(NUM, 16, false, 100, 11);
    WorkloadRunner r = new WorkloadRunner(keys, o);
    MapAdapter db = new MapAdapter();
    StoreState s = new StoreState();
    WorkloadRunner.Outcome fill = run(r, db, s, Workload.FILLRANDOM, 3);
    assertEquals(NUM, fill.ops());
    assertEquals(NUM * 116L, fill.userBytes());
    // About 1 - 1/e of the key space after one random fill.
    assertEquals(0.632, db.map.size() / (double) NUM, 0.03);
    run(r, db, s, Workload.OVERWRITE, 2);
    assertEquals(0.865, db.map.size() / (double) NUM, 0.03);
    WorkloadRunner.Outcome reads = run(r, db, s, Workload.READRANDOM, 2);
    assertEquals(NUM, reads.ops());
    assertEquals(0.865, reads.found() / (double) NUM, 0.03);
    assertEquals(0, run(r, db, s, Workload.READMISSING, 1).found());
    assertTrue(reads.latency().p50() > 0 && reads.latency().max() >= reads.latency().p999());
    run(r, db, s, Workload.READWHILEWRITING, 1); // its writer's keys are replayed too
    WorkloadRunner.Outcome scan = run(r, db, s, Workload.READSEQ, 1);
    assertEquals(Math.min(NUM, db.map.size()), scan.ops());
    run(r, db, s, Workload.DELETERANDOM, 2);
    assertTrue(db.map.size() < 0.5 * NUM);
  }

  @Test
  void ycsbWorkloadsLoadTheKeySpaceAndInsertNewKeysAfterIt() {
    BenchOptions o = options("1");
    KeySpace keys = new KeySpace(NUM, 16, false, 100, 11);
    WorkloadRunner r = new WorkloadRunner(keys, o);
    MapAdapter db = new MapAdapter();
    StoreState s = new StoreState();
    run(r, db, s, Workload.YCSB_LOAD, 2);
    assertEquals(NUM, db.map.size(), "the load writes every key once");
    long getsBefore = db.gets.get();
    WorkloadRunner.Outcome a = run(r, db, s, Workload.YCSB_A, 2);
    assertEquals(NUM, a.ops());
    assertEquals(NUM, a.found() + (db.puts.get() - NUM), "half reads (all found), half updates");
    assertEquals(0.5, (db.gets.get() - getsBefore) / (double) NUM, 0.05);
    run(r, db, s, Workload.YCSB_D, 2);
    long inserted = s.insertsClaimed();
    assertEquals(0.05 * NUM, (double) inserted, 0.02 * NUM);
    assertEquals(NUM + inserted, db.map.size());
    WorkloadRunner.Outcome e = run(r, db, s, Workload.YCSB_E, 2);
    assertTrue(e.found() > 0.9 * 0.95 * NUM, "scans start at present keys: " + e.found());
    run(r, db, s, Workload.YCSB_F, 1);
    assertEquals(NUM + s.insertsClaimed(), db.map.size());
  }
}
