package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a read race found while checking issue 9 (fixed in {@code EngineCore}): a
 * read of the latest state took the visible sequence, then looked in the memtables, then acquired
 * the table set. When writes after that sequence were flushed and compacted in between, the
 * compaction kept only their newer version of a key, the read could not see it (too new), and it
 * returned an older version from a deeper level or, as here, nothing: a key that was never deleted
 * read as absent. Before the fix this test saw dozens of such reads in 40,000 writes.
 *
 * <p>One writer overwrites one key with increasing numbers while readers read it by {@code get} and
 * by iterator; memtables of four entries make flushes and compactions run all the time. Every read
 * must return a value, and each reader's values must never go back.
 */
class LatestReadRaceTest {
  private static final int WRITES = Integer.getInteger("kiwi.test.raceWrites", 15_000);

  @Test
  void aReadNeverLosesAKeyToACompactionThatRanDuringIt() throws Exception {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    writeConfig(
        fs,
        ROOT,
        Map.of(
            "max_memtable_entries",
            4,
            "l0_compaction_threshold",
            2,
            "compaction_check_interval",
            0.001,
            "wal_sync_mode",
            "none"));
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    long[] reads = new long[2];
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (LsmEngine engine = LsmEngine.open(fs, ROOT, null)) {
      engine.put(b("k"), b(String.format("%09d", 0)));
      Future<?> writer =
          pool.submit(
              () -> {
                try {
                  for (int n = 1; n <= WRITES; n++) {
                    engine.put(b("k"), b(String.format("%09d", n)));
                  }
                } finally {
                  done.set(true);
                }
                return null;
              });
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int id = t;
        readers.add(
            pool.submit(
                () -> {
                  long last = -1;
                  while (!done.get() && violations.size() < 10) {
                    String v;
                    if (id == 0) {
                      v = engine.get(b("k")).map(EngineTestSupport::s).orElse(null);
                    } else {
                      try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
                        it.seekToFirst();
                        v = it.isValid() ? s(it.value()) : null;
                      }
                    }
                    reads[id]++;
                    long n = v == null ? -1 : Long.parseLong(v);
                    if (n < last) {
                      violations.add(
                          (id == 0 ? "get" : "iterator")
                              + " read "
                              + (v == null ? "nothing" : v)
                              + " after "
                              + last);
                    }
                    last = Math.max(last, n);
                  }
                  return null;
                }));
      }
      writer.get(5, TimeUnit.MINUTES);
      for (Future<?> f : readers) {
        f.get(5, TimeUnit.MINUTES);
      }
      assertTrue(engine.stats().counters().compactions() > 100, "compactions must run");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), List.copyOf(violations));
    assertTrue(reads[0] > 0 && reads[1] > 0, "both readers must read");
  }
}
