package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.engine.EngineTestHooks;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.engine.config.ConfigKey;
import io.kiwidb.engine.config.ConfigKeys;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reference's {@code update_config} and {@code config}, and its {@code config.json}: every key
 * accepted with the same meaning, and the failures the reference handled badly (a corrupt file was
 * replaced by defaults there; here it fails the open and is kept).
 */
class ConfigConformanceTest extends EngineFixture {

  /** A config.json as the reference system writes it: its sixteen keys at its defaults. */
  static final String REFERENCE_CONFIG =
      """
      {
        "env": "dev",
        "max_memtable_size_mb": 64,
        "max_memtable_entries": 10,
        "immutable_queue_max_len": 4,
        "backpressure_timeout": 60.0,
        "l0_compaction_threshold": 10,
        "compaction_check_interval": 0.5,
        "block_size": 4096,
        "flush_max_workers": 2,
        "compaction_max_workers": 1,
        "max_levels": 3,
        "bloom_fpr_dev": 0.05,
        "bloom_fpr_prod": 0.01,
        "cache_data_entry_limit": 256,
        "cache_index_entry_limit": 64,
        "cache_bloom_entry_limit": 64
      }
      """;

  @Test
  @DisplayName("update_config: \"Update a config field, persist to disk, return (old, new)\"")
  void updateReturnsOldAndNewAndPersists() {
    open(Map.of("block_size", 4096));
    ConfigChange change = engine.updateConfig("block_size", 8192);
    assertEquals("block_size", change.key());
    assertEquals(4096, change.oldValue());
    assertEquals(8192, change.newValue());
    assertTrue(change.appliedLive());
    assertTrue(readFile(configFile()).contains("\"block_size\" : 8192"), readFile(configFile()));
    assertEquals(8192, engine.config().get("block_size"));
    reopen();
    assertEquals(8192, engine.config().get("block_size"));
  }

  @Test
  @DisplayName("update_config: a live key takes effect at once (max_memtable_entries)")
  void aLiveKeyChangesTheRunningEngine() {
    open(Map.of("max_memtable_entries", 1000));
    engine.put(b("a"), b("1"));
    String active = engine.stats().activeTableId();
    assertTrue(engine.updateConfig("max_memtable_entries", 2).appliedLive());
    engine.put(b("b"), b("2"));
    assertNotEquals(active, engine.stats().activeTableId(), "frozen at the new limit");
  }

  @Test
  @DisplayName(
      "update_config: worker counts apply live (flush_max_workers, compaction_max_workers)")
  void workerCountsApplyLive() {
    open(Map.of("flush_max_workers", 1, "compaction_max_workers", 1));
    String id = EngineTestHooks.engineId(engine);
    assertEquals(1, threads("kiwi-flush-" + id + "-"));
    engine.updateConfig("flush_max_workers", 3);
    engine.updateConfig("compaction_max_workers", 2);
    assertEquals(3, threads("kiwi-flush-" + id + "-"));
    assertEquals(2, threads("kiwi-compaction-" + id + "-"));
    engine.updateConfig("flush_max_workers", 1);
    await("surplus flush workers to retire", () -> threads("kiwi-flush-" + id + "-") == 1);
  }

  private static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  @Test
  @DisplayName("update_config: cache sizes apply live (0 turns the block caches off)")
  void cacheSizesApplyLive() {
    open();
    engine.put(b("a"), b("1"));
    engine.flush();
    awaitFlushed(1);
    engine.get(b("a"));
    long hits = engine.stats().counters().blockCacheHits();
    engine.get(b("a"));
    assertTrue(engine.stats().counters().blockCacheHits() > hits, "cached");
    engine.updateConfig("cache_data_entry_limit", 0);
    engine.updateConfig("cache_index_entry_limit", 0);
    engine.updateConfig("cache_bloom_entry_limit", 0);
    long before = engine.stats().counters().blockCacheHits();
    engine.get(b("a"));
    engine.get(b("a"));
    assertEquals(before, engine.stats().counters().blockCacheHits(), "no cache, no hits");
    assertEquals("1", get("a"));
  }

  @Test
  @DisplayName("update_config: wal_sync_mode applies live (a write stops waiting for fsync)")
  void syncModeAppliesLive() throws Exception {
    open(Map.of("wal_sync_mode", "always"));
    engine.updateConfig("wal_sync_mode", "none");
    fs.holdSyncs(ObservedFileSystem.under(walDir()));
    engine.put(b("a"), b("1")); // would block on the held sync in "always" mode
    assertEquals("1", get("a"));
    fs.releaseSyncs();
    engine.updateConfig("wal_sync_mode", "always");
    fs.holdSyncs(ObservedFileSystem.under(walDir()));
    CompletableFuture<Void> put = CompletableFuture.runAsync(() -> engine.put(b("b"), b("2")));
    await("the put to wait for its fsync", () -> fs.heldSyncs() == 1);
    assertFalse(put.isDone());
    fs.releaseSyncs();
    put.get();
  }

  @Test
  @DisplayName(
      "update_config: a reopen-only key is persisted and says so (appliedLive=false), then"
          + " applies on reopen")
  void aReopenOnlyKeySaysSo() {
    open(Map.of("max_levels", 6));
    ConfigChange change = engine.updateConfig("max_levels", 4);
    assertFalse(change.appliedLive());
    assertEquals(6, change.oldValue());
    assertEquals(4, change.newValue());
    assertEquals(4, engine.config().get("max_levels"), "config() shows the persisted value");
    assertEquals(7, engine.showDisk().levels().size(), "L0..L6 until reopen");
    reopen();
    assertEquals(5, engine.showDisk().levels().size(), "L0..L4 after reopen");
  }

  @Test
  @DisplayName(
      "update_config: persisted atomically through the FileSystem seam (tmp, fsync, rename,"
          + " directory fsync)")
  void updatesArePersistedAtomically() {
    open();
    fs.clearOps();
    engine.updateConfig("block_size", 8192);
    String tmp = configFile() + ".tmp";
    List<String> ops =
        fs.ops().stream().filter(o -> o.endsWith(tmp) || o.equals("syncdir " + root)).toList();
    assertEquals(
        List.of("create " + tmp, "sync " + tmp, "close " + tmp, "rename " + tmp, "syncdir " + root),
        ops);
  }

  @Test
  @DisplayName("update_config: a failed write leaves the file and the running config unchanged")
  void aFailedPersistChangesNothing() {
    open(Map.of("block_size", 4096));
    String before = readFile(configFile());
    fs.failWrites(p -> p.toString().endsWith("config.json.tmp"));
    assertThrows(KiwiIOException.class, () -> engine.updateConfig("block_size", 8192));
    fs.failWrites(p -> false);
    assertEquals(before, readFile(configFile()));
    assertEquals(4096, engine.config().get("block_size"));
    assertFalse(fs.exists(configFile().resolveSibling("config.json.tmp")));
  }

  @Test
  @DisplayName(
      "update_config: unknown key, wrong type, out of range -> error naming key and value;"
          + " engine and file unchanged")
  void invalidUpdatesNameKeyAndValueAndChangeNothing() {
    open();
    String before = readFile(configFile());
    Map<String, Object> before2 = engine.config();
    InvalidConfigException unknown =
        assertThrows(InvalidConfigException.class, () -> engine.updateConfig("blok_size", 1));
    assertTrue(unknown.getMessage().contains("blok_size=1"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("unknown config key"), unknown.getMessage());
    InvalidConfigException type =
        assertThrows(InvalidConfigException.class, () -> engine.updateConfig("env", 5));
    assertTrue(type.getMessage().contains("env=5"), type.getMessage());
    InvalidConfigException range =
        assertThrows(
            InvalidConfigException.class, () -> engine.updateConfig("flush_max_workers", 0));
    assertTrue(range.getMessage().contains("flush_max_workers=0"), range.getMessage());
    assertTrue(range.getMessage().contains("out of range"), range.getMessage());
    InvalidConfigException impl =
        assertThrows(
            InvalidConfigException.class, () -> engine.updateConfig("memtable_impl", "btree"));
    assertTrue(impl.getMessage().contains("skiplist"), "lists the known: " + impl.getMessage());
    assertEquals(before, readFile(configFile()));
    assertEquals(before2, engine.config());
  }

  @Test
  @DisplayName(
      "config.json: every reference key is accepted with the same meaning (a reference file"
          + " loads as is)")
  void aReferenceConfigFileLoadsWithItsMeaning() {
    writeFile(configFile(), REFERENCE_CONFIG);
    engine = LsmEngine.open(fs, root, null);
    Map<String, Object> config = engine.config();
    for (ConfigKey k : ConfigKeys.all()) {
      if (k.referenceDefault() != null) {
        Object ours = config.get(k.name());
        Object ref = k.referenceDefault();
        if (ref instanceof Number) {
          assertEquals(((Number) ref).doubleValue(), ((Number) ours).doubleValue(), k.name());
        } else {
          assertEquals(ref, ours, k.name());
        }
      }
    }
    assertEquals(4, engine.showDisk().levels().size(), "max_levels=3: L0..L3");
    String first = engine.stats().activeTableId();
    for (int i = 0; i < 10; i++) {
      engine.put(b("k" + i), b("v"));
    }
    assertNotEquals(first, engine.stats().activeTableId(), "max_memtable_entries=10 froze it");
    assertEquals(REFERENCE_CONFIG, readFile(configFile()), "loading does not rewrite the file");
  }

  @Test
  @DisplayName(
      "config.json: malformed JSON fails the open naming file and position; the file is kept"
          + " (the reference replaced it with defaults)")
  void malformedJsonFailsTheOpenAndKeepsTheFile() {
    String broken = "{\n  \"block_size\": 4096,\n  \"env\": prod\n}\n";
    writeFile(configFile(), broken);
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> LsmEngine.open(fs, root, null));
    assertTrue(e.getMessage().contains(configFile() + " is not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    assertEquals(broken, readFile(configFile()));
    writeConfig(Map.of());
    engine = LsmEngine.open(fs, root, null); // no lock was left behind
  }

  @Test
  @DisplayName(
      "config.json: unknown key, wrong type or out-of-range value fails the open naming key and"
          + " value")
  void badValuesInTheFileFailTheOpen() {
    for (Map.Entry<String, String> bad :
        Map.of(
                "{\"blok_size\": 4096}", "blok_size=4096",
                "{\"block_size\": \"4096\"}", "block_size=\"4096\"",
                "{\"flush_max_workers\": 0}", "flush_max_workers=0",
                "{\"max_memtable_entries\": 2.5}", "max_memtable_entries=2.5")
            .entrySet()) {
      writeFile(configFile(), bad.getKey());
      InvalidConfigException e =
          assertThrows(InvalidConfigException.class, () -> LsmEngine.open(fs, root, null));
      assertTrue(e.getMessage().contains(bad.getValue()), e.getMessage());
      assertEquals(bad.getKey(), readFile(configFile()));
    }
  }

  @Test
  @DisplayName("config: \"Return the live config instance\" (every key, stable order)")
  void configShowsEveryKeyInRegistryOrder() {
    open();
    assertEquals(List.copyOf(ConfigKeys.names()), List.copyOf(engine.config().keySet()));
    engine.updateConfig("cache_data_entry_limit", 100);
    assertEquals(100, engine.config().get("cache_data_entry_limit"));
  }
}
