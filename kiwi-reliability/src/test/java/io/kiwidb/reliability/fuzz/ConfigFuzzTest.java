package io.kiwidb.reliability.fuzz;

import static io.kiwidb.reliability.fuzz.FuzzFiles.ROOT;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.file.Path;

/**
 * Fuzzes {@code config.json} parsing and validation ({@link ConfigStore#open}): the input is the
 * file's bytes. Properties: nothing but {@link InvalidConfigException} escapes, the file is never
 * rewritten when it is rejected, and an accepted config survives a reopen unchanged.
 */
class ConfigFuzzTest {
  private static final Path FILE = ROOT.resolve("config.json");

  @FuzzTest(maxDuration = "2m")
  @DictionaryEntries({
    "\"block_size\"",
    "\"max_memtable_size_mb\"",
    "\"max_memtable_entries\"",
    "\"l0_compaction_threshold\"",
    "\"l0_slowdown_writes_threshold\"",
    "\"l0_stop_writes_threshold\"",
    "\"bloom_fpr_prod\"",
    "\"env\"",
    "\"compression\"",
    "\"wal_sync_mode\"",
    "\"wal_recovery_mode\"",
    "\"backpressure_timeout\"",
    "\"log_broadcast_port\"",
    "\"max_levels\"",
    "1e308",
    "4096.0",
    "true",
    "null"
  })
  void config(byte[] data) throws Exception {
    InMemoryFileSystem fs = FuzzFiles.fsWith(FILE, data);
    EngineConfig loaded;
    try {
      loaded = ConfigStore.open(fs, FILE).current();
    } catch (InvalidConfigException expected) {
      if (!java.util.Arrays.equals(data, fs.contents(FILE))) {
        throw new AssertionError("a rejected config file was rewritten");
      }
      return;
    }
    EngineConfig again = ConfigStore.open(fs, FILE).current();
    if (!loaded.asMap().equals(again.asMap())) {
      throw new AssertionError("reopen changed the config: " + loaded + " -> " + again);
    }
  }
}
