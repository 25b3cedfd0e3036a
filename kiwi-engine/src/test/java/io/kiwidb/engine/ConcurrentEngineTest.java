package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four threads of mixed put/get/delete/flush on the real disk, with a tiny memtable so flushes and
 * compactions run during the test. Each thread owns a key range, so its own model is exact; every
 * read is checked against it, and the final state against the union after a reopen.
 */
@ExtendWith(SeededRandomExtension.class)
class ConcurrentEngineTest {
  @TempDir Path dir;

  @Test
  void mixedOperationsFromFourThreadsMatchTheModel(SeededRandom random) throws Exception {
    FileSystem fs = FileSystems.local();
    writeConfig(
        fs,
        dir,
        Map.of(
            "max_memtable_entries", 64,
            "l0_compaction_threshold", 3,
            "wal_sync_mode", "none",
            "target_file_size_mb", 1));
    int threads = 4;
    List<TreeMap<String, byte[]>> models = new ArrayList<>();
    LsmEngine engine = LsmEngine.open(fs, dir, null);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        TreeMap<String, byte[]> model = new TreeMap<>();
        models.add(model);
        int id = t;
        Random r = new Random(random.nextLong());
        done.add(
            pool.submit(
                () -> {
                  for (int op = 0; op < 3000; op++) {
                    String key = "t" + id + "-" + r.nextInt(300);
                    int choice = r.nextInt(100);
                    if (choice < 55) {
                      byte[] value = ("v" + op + "-" + r.nextInt()).getBytes(UTF_8);
                      engine.put(b(key), value);
                      model.put(key, value);
                    } else if (choice < 70) {
                      engine.delete(b(key));
                      model.remove(key);
                    } else if (choice < 99) {
                      byte[] got = engine.get(b(key)).orElse(null);
                      byte[] want = model.get(key);
                      if (!Arrays.equals(want, got)) {
                        throw new AssertionError("get " + key + " after op " + op);
                      }
                    } else {
                      engine.flush();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
      assertTrue(engine.stats().counters().flushes() > 0, "the test must exercise flushes");
    } finally {
      pool.shutdownNow();
      engine.close();
    }
    try (LsmEngine reopened = LsmEngine.open(fs, dir, null)) {
      int live = 0;
      for (int id = 0; id < threads; id++) {
        for (int i = 0; i < 300; i++) {
          String key = "t" + id + "-" + i;
          byte[] want = models.get(id).get(key);
          assertArrayEquals(want, reopened.get(b(key)).orElse(null), key);
          live += want == null ? 0 : 1;
        }
      }
      assertEquals(live, countKeys(reopened));
    }
  }

  private static int countKeys(LsmEngine engine) {
    int n = 0;
    try (var it = engine.iterator(io.kiwidb.api.ScanOptions.all())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
    }
    return n;
  }
}
