package io.kiwidb.bench.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Key space, kiwi config writing, RocksDB tuning and the procfs parser. */
class PiecesTest {

  @Test
  void presentKeysSortBytewiseInNumericOrderWithMissingKeysBetweenThem() {
    KeySpace ks = new KeySpace(1000, 16, true, 100, 1);
    byte[] a = ks.newKey();
    byte[] m = ks.newKey();
    byte[] b = ks.newKey();
    ks.presentKey(9, a);
    ks.missingKey(9, m);
    ks.presentKey(10, b);
    assertEquals("0000000000000018", new String(a, StandardCharsets.US_ASCII));
    assertEquals("0000000000000019", new String(m, StandardCharsets.US_ASCII));
    assertTrue(Arrays.compareUnsigned(a, m) < 0 && Arrays.compareUnsigned(m, b) < 0);
    assertThrows(IllegalArgumentException.class, () -> KeySpace.decimal(1000, new byte[2]));
    assertThrows(IllegalArgumentException.class, () -> new KeySpace(10, 8, false, 100, 1));
  }

  @Test
  void binaryKeysFollowDbBenchsLayoutAndSortNumerically() {
    KeySpace ks = new KeySpace(100_000, 16, false, 100, 1);
    byte[] a = ks.newKey();
    byte[] m = ks.newKey();
    byte[] b = ks.newKey();
    ks.presentKey(0x80, a); // 0x100
    ks.missingKey(0x80, m); // 0x101
    ks.presentKey(0x81, b); // 0x102
    assertArrayEquals(
        new byte[] {0, 0, 0, 0, 0, 0, 1, 0, '0', '0', '0', '0', '0', '0', '0', '0'}, a);
    assertTrue(Arrays.compareUnsigned(a, m) < 0 && Arrays.compareUnsigned(m, b) < 0);
    byte[] big = ks.newKey();
    ks.presentKey(99_999, big);
    assertTrue(Arrays.compareUnsigned(b, big) < 0);
  }

  @Test
  void valuesArePrintableAndHalfRepeated() {
    KeySpace ks = new KeySpace(10, 16, false, 100, 5);
    byte[] v = ks.newValue();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 100; i++) {
      ks.fillValue(random, v);
      for (byte x : v) {
        assertTrue(x >= ' ' && x < 127, "printable");
      }
    }
    // A value-aligned slice repeats its first half: about 2:1 compressible.
    for (int off : new int[] {0, 100, 500_000}) {
      ks.fillValueAt(off, v);
      assertTrue(Arrays.equals(v, 0, 50, v, 50, 100), "offset " + off);
    }
    ks.fillValueAt(1, v);
    assertTrue(!Arrays.equals(v, 0, 50, v, 50, 100), "unaligned slices are not periodic");
  }

  @Test
  void kiwiConfigTypesValuesAndKeepsDurabilityToTheRunner() {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("compression", "lz4");
    overrides.put("block_size", "8192");
    overrides.put("max_memtable_size_mb", "0.5");
    String json = StoreFactory.kiwiConfigJson(overrides, false);
    assertEquals(
        "{\n  \"wal_sync_mode\": \"none\",\n  \"log_broadcast_enabled\": false,\n"
            + "  \"compression\": \"lz4\",\n  \"block_size\": 8192,\n"
            + "  \"max_memtable_size_mb\": 0.5\n}\n",
        json);
    assertTrue(StoreFactory.kiwiConfigJson(Map.of(), true).contains("\"always\""));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StoreFactory.kiwiConfigJson(Map.of("wal_sync_mode", "always"), false));
    assertTrue(e.getMessage().contains("wal_sync_mode is set by the runner"));
  }

  @Test
  void rocksTuningFollowsKiwisConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("env", "prod");
    c.put("bloom_fpr_prod", 0.01);
    c.put("bloom_fpr_dev", 0.05);
    c.put("block_size", 4096);
    c.put("cache_data_entry_limit", 8192);
    c.put("max_memtable_size_mb", 64.0);
    c.put("immutable_queue_max_len", 4);
    c.put("l0_compaction_threshold", 4);
    c.put("l0_slowdown_writes_threshold", 20);
    c.put("l0_stop_writes_threshold", 36);
    c.put("max_levels", 6);
    c.put("target_file_size_mb", 64);
    c.put("max_bytes_for_level_base_mb", 256);
    c.put("level_size_multiplier", 10.0);
    c.put("flush_max_workers", 2);
    c.put("compaction_max_workers", 1);
    c.put("compression", "none");
    c.put("filter_policy", "bloom");
    RocksTuning t = RocksTuning.fromKiwiConfig(c);
    assertEquals(32L << 20, t.blockCacheBytes());
    assertEquals(64L << 20, t.memtableBytes());
    assertEquals(5, t.maxWriteBuffers());
    assertEquals(7, t.numLevels());
    assertEquals(3, t.backgroundJobs());
    assertEquals(0.01, t.falsePositiveRate());
    // ln(100) / ln(2)^2
    assertEquals(9.585, t.bloomBitsPerKey(), 0.001);
    c.put("env", "dev");
    assertEquals(0.05, RocksTuning.fromKiwiConfig(c).falsePositiveRate());
    c.remove("block_size");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RocksTuning.fromKiwiConfig(c));
    assertTrue(e.getMessage().contains("block_size"));
    assertThrows(IllegalArgumentException.class, () -> RocksTuning.bitsPerKey(0));
  }

  @Test
  void procStatusParsing() {
    String status = "Name:\tjava\nVmPeak:\t 100 kB\nVmHWM:\t   2048 kB\nVmRSS:\t 1024 kB\n";
    assertEquals(2048 * 1024, MemoryProbe.parseKib(status, "VmHWM:"));
    assertEquals(-1, MemoryProbe.parseKib(status, "VmSwap:"));
  }
}
