package io.kiwidb.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.CompactionOptions;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

  @Test
  void registryHasEveryReferenceKeyAndOurs() {
    assertEquals(32, ConfigKeys.all().size());
    for (String k :
        new String[] {
          "env",
          "max_memtable_size_mb",
          "max_memtable_entries",
          "immutable_queue_max_len",
          "backpressure_timeout",
          "l0_compaction_threshold",
          "compaction_check_interval",
          "block_size",
          "flush_max_workers",
          "compaction_max_workers",
          "max_levels",
          "bloom_fpr_dev",
          "bloom_fpr_prod",
          "cache_data_entry_limit",
          "cache_index_entry_limit",
          "cache_bloom_entry_limit"
        }) {
      assertTrue(ConfigKeys.names().contains(k), k);
      assertTrue(ConfigKeys.get(k, null).referenceDefault() != null, k + " reference default");
    }
  }

  @Test
  void everyDefaultPassesItsOwnValidationAndHasDocs() {
    for (ConfigKey k : ConfigKeys.all()) {
      assertEquals(k.defaultValue(), k.fromFile(k.defaultValue()), k.name());
      assertFalse(k.doc().isBlank(), k.name());
      assertEquals(k.defaultValue(), EngineConfig.defaults().get(k.name()), k.name());
    }
  }

  @Test
  void integerKeysTakeIntegralRealsButNotFractions() {
    ConfigKey k = ConfigKeys.BLOCK_SIZE;
    assertEquals(8192, k.fromFile(new BigDecimal("8192.0")));
    assertEquals(8192, k.fromFile(8192.0));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> k.fromFile(new BigDecimal("8192.5")));
    assertEquals("invalid config block_size=8192.5: expected an integer", e.getMessage());
    assertEquals("block_size", e.key());
  }

  @Test
  void stringsAreParsedOnlyForUserUpdates() {
    assertEquals(8192, ConfigKeys.BLOCK_SIZE.fromUser(" 8192 "));
    assertEquals(0.02, ConfigKeys.BLOOM_FPR_PROD.fromUser("0.02"));
    assertEquals(false, ConfigKeys.LOG_BROADCAST_ENABLED.fromUser("FALSE"));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigKeys.BLOCK_SIZE.fromFile("8192"));
    assertEquals(
        "invalid config block_size=\"8192\": expected an integer, got a string", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> ConfigKeys.BLOCK_SIZE.fromUser("big"));
    assertEquals("invalid config block_size=\"big\": expected an integer", e.getMessage());
    assertThrows(
        InvalidConfigException.class, () -> ConfigKeys.LOG_BROADCAST_ENABLED.fromUser("yes"));
    assertThrows(InvalidConfigException.class, () -> ConfigKeys.LOG_BROADCAST_ENABLED.fromUser(1));
  }

  @Test
  void outOfRangeNamesKeyValueAndRange() {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigKeys.FLUSH_MAX_WORKERS.fromUser(0));
    assertEquals("invalid config flush_max_workers=0: out of range: 1 to 64", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> ConfigKeys.BLOOM_FPR_DEV.fromUser(1.0));
    assertEquals("invalid config bloom_fpr_dev=1.0: out of range: > 0 and < 1", e.getMessage());
    e = assertThrows(InvalidConfigException.class, () -> ConfigKeys.BLOCK_SIZE.fromUser(1L << 40));
    assertEquals("block_size", e.key());
    assertThrows(
        InvalidConfigException.class, () -> ConfigKeys.BACKPRESSURE_TIMEOUT.fromUser(Double.NaN));
    assertThrows(
        InvalidConfigException.class,
        () -> ConfigKeys.LEVEL_SIZE_MULTIPLIER.fromUser(1)); // must be > 1
  }

  @Test
  void choicesAreCaseInsensitiveAndListed() {
    assertEquals("prod", ConfigKeys.ENV.fromUser("PROD"));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigKeys.ENV.fromUser("staging"));
    assertEquals("invalid config env=\"staging\": must be one of [dev, prod]", e.getMessage());
    assertThrows(InvalidConfigException.class, () -> ConfigKeys.WAL_SYNC_MODE.fromFile(1));
    assertThrows(InvalidConfigException.class, () -> ConfigKeys.MEMTABLE_IMPL.fromUser("Bad Name"));
    assertEquals("redblack", ConfigKeys.MEMTABLE_IMPL.fromUser("RedBlack"));
  }

  @Test
  void nullIsNeverAValue() {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigKeys.ENV.fromFile(null));
    assertTrue(e.getMessage().startsWith("invalid config env=null"), e.getMessage());
  }

  @Test
  void unknownKeyListsTheKnownOnes() {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> EngineConfig.of(Map.of("blocksize", 1)));
    assertEquals("blocksize", e.key());
    assertTrue(e.getMessage().contains("unknown config key; known keys: [env, "), e.getMessage());
  }

  @Test
  void withReturnsANewSnapshotAndLeavesTheOldOne() {
    EngineConfig a = EngineConfig.defaults();
    EngineConfig b = a.with("max_memtable_entries", "100");
    assertEquals(0, a.maxMemtableEntries());
    assertEquals(100, b.maxMemtableEntries());
    assertEquals(100, b.asMap().get("max_memtable_entries"));
    assertThrows(UnsupportedOperationException.class, () -> b.asMap().put("env", "dev"));
  }

  @Test
  void l0ThresholdsMustBeOrderedAndTheChangedKeyIsBlamed() {
    EngineConfig d = EngineConfig.defaults(); // 4 <= 20 <= 36
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> d.with("l0_compaction_threshold", 21));
    assertEquals("l0_compaction_threshold", e.key());
    assertTrue(e.getMessage().contains("must not exceed l0_slowdown_writes_threshold (20)"));
    e = assertThrows(InvalidConfigException.class, () -> d.with("l0_stop_writes_threshold", 19));
    assertEquals("l0_stop_writes_threshold", e.key());
    e = assertThrows(InvalidConfigException.class, () -> d.with("l0_slowdown_writes_threshold", 3));
    assertEquals("l0_slowdown_writes_threshold", e.key());
  }

  @Test
  void derivedValues() {
    EngineConfig c =
        EngineConfig.of(
            Map.of(
                "max_memtable_size_mb",
                0.5,
                "backpressure_timeout",
                1.5,
                "env",
                "dev",
                "bloom_fpr_dev",
                0.1,
                "target_file_size_mb",
                2,
                "max_bytes_for_level_base_mb",
                8,
                "level_size_multiplier",
                4));
    assertEquals(512 * 1024, c.maxMemtableSizeBytes());
    assertEquals(Duration.ofMillis(1500), c.backpressureTimeout());
    assertEquals(Duration.ofMillis(500), c.compactionCheckInterval());
    assertEquals(0.1, c.filterFalsePositiveRate());
    assertEquals(0.01, EngineConfig.defaults().filterFalsePositiveRate());
    assertEquals(EngineConfig.WalSyncMode.ALWAYS, c.walSyncMode());
    assertEquals(EngineConfig.WalRecoveryMode.POINT_IN_TIME, c.walRecoveryMode());
    CompactionOptions o = c.compactionOptions();
    assertEquals(new CompactionOptions(4, 6, 8L << 20, 4.0, 2L << 20), o);
    assertEquals(32L << 20, o.targetBytes(2));
  }

  @Test
  void dynamicLevelTargetsAreOnByDefaultAndCanBeTurnedOff() {
    assertTrue(EngineConfig.defaults().compactionOptions().dynamicLevelBytes());
    EngineConfig c = EngineConfig.of(Map.of("level_compaction_dynamic_level_bytes", false));
    assertFalse(c.levelCompactionDynamicLevelBytes());
    assertFalse(c.compactionOptions().dynamicLevelBytes());
    assertThrows(
        InvalidConfigException.class,
        () -> EngineConfig.of(Map.of("level_compaction_dynamic_level_bytes", "yes")));
  }

  @Test
  void equalityIsByValue() {
    assertEquals(EngineConfig.defaults(), EngineConfig.of(Map.of("block_size", 4096.0)));
    assertFalse(EngineConfig.defaults().equals(EngineConfig.of(Map.of("block_size", 8192))));
  }
}
