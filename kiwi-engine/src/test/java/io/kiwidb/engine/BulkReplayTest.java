package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.powerCut;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.MemListing;
import io.kiwidb.api.MemTableSummary;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery bulk-loads sorted memtables (see {@code ReplayBuffer}): after a power cut, a reopen
 * whose memtables are much smaller than the log must freeze many of them during replay and still
 * hold exactly the acknowledged state, for both memtable implementations: overwritten keys,
 * deletes, multi-key batches, and the sequence number.
 */
@ExtendWith(SeededRandomExtension.class)
class BulkReplayTest {
  private static void check(LsmEngine engine, Map<byte[], byte[]> model, String when) {
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      byte[] got = engine.get(e.getKey()).orElse(null);
      if (e.getValue() == null) {
        assertEquals(null, got, when + ": deleted key " + Arrays.toString(e.getKey()));
      } else {
        assertArrayEquals(e.getValue(), got, when + ": key " + Arrays.toString(e.getKey()));
      }
    }
    List<byte[]> live = new ArrayList<>();
    try (KiwiIterator it = engine.iterator(ScanOptions.all())) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        live.add(it.key());
      }
    }
    List<byte[]> expected =
        model.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
    assertEquals(expected.size(), live.size(), when + ": live keys in a scan");
  }

  private static void replayIntoSmallMemtables(SeededRandom random, String memtableImpl) {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    writeConfig(
        fs,
        ROOT,
        Map.of(
            "memtable_impl",
            memtableImpl,
            "max_memtable_entries",
            1_000_000,
            "wal_sync_mode",
            "always"));
    TreeMap<byte[], byte[]> model = new TreeMap<>(KeyOrder.USER_KEYS);
    byte[][] keys = new byte[150][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = random.bytes(1 + random.nextInt(12));
    }
    LsmEngine engine = LsmEngine.open(fs, ROOT, null);
    for (int i = 0; i < 1_500; i++) {
      byte[] key = keys[random.nextInt(keys.length)];
      int op = random.nextInt(10);
      if (op < 6) {
        byte[] value = random.bytes(random.nextInt(30));
        engine.put(key, value);
        model.put(key, value);
      } else if (op < 8) {
        engine.delete(key);
        model.put(key, null);
      } else {
        WriteBatch batch = new WriteBatch();
        int n = 1 + random.nextInt(20);
        for (int j = 0; j < n; j++) {
          byte[] k = keys[random.nextInt(keys.length)];
          if (random.nextBoolean()) {
            byte[] value = random.bytes(random.nextInt(30));
            batch.put(k, value);
            model.put(k, value);
          } else {
            batch.delete(k);
            model.put(k, null);
          }
        }
        engine.write(batch);
      }
    }
    long seq = engine.stats().seq();
    assertTrue(
        engine.showDisk().levels().values().stream().allMatch(List::isEmpty),
        "nothing flushed before the crash");
    powerCut(fs, engine);

    // Reopen with memtables of 37 entries: replay freezes one every 37 or so entries.
    writeConfig(
        fs,
        ROOT,
        Map.of(
            "memtable_impl",
            memtableImpl,
            "max_memtable_entries",
            37,
            "immutable_queue_max_len",
            1,
            "wal_sync_mode",
            "always"));
    engine = LsmEngine.open(fs, ROOT, null);
    try {
      assertEquals(seq, engine.stats().seq(), "sequence after replay");
      MemListing mem = engine.showMem();
      for (MemTableSummary frozen : mem.immutable()) {
        assertTrue(frozen.entryCount() >= 37, "frozen before full: " + frozen);
      }
      assertTrue(mem.active().entryCount() < 37, "active: " + mem.active());
      check(engine, model, "after replay");
    } finally {
      engine.close();
    }
    engine = LsmEngine.open(fs, ROOT, null);
    try {
      check(engine, model, "after the replayed memtables were flushed");
      assertEquals(seq, engine.stats().seq());
    } finally {
      engine.close();
    }
  }

  @Test
  void replayIntoSmallSkipLists(SeededRandom random) {
    replayIntoSmallMemtables(random, "skiplist");
  }

  @Test
  void replayIntoSmallRedBlackTrees(SeededRandom random) {
    replayIntoSmallMemtables(random, "redblack");
  }

  @Test
  void replayIntoSmallArenas(SeededRandom random) {
    replayIntoSmallMemtables(random, "arena");
  }
}
