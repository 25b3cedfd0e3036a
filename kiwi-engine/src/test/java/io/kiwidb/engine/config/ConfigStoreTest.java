package io.kiwidb.engine.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.ConfigChange;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigStoreTest {
  private static final Path ROOT = Path.of("/db");
  private static final Path FILE = ROOT.resolve("config.json");

  /** What the reference system writes: its sixteen keys, with Python's json.dump value types. */
  static final String REFERENCE_CONFIG =
      "{\n"
          + "  \"env\": \"dev\",\n"
          + "  \"max_memtable_size_mb\": 64,\n"
          + "  \"max_memtable_entries\": 10,\n"
          + "  \"immutable_queue_max_len\": 4,\n"
          + "  \"backpressure_timeout\": 60.0,\n"
          + "  \"l0_compaction_threshold\": 10,\n"
          + "  \"compaction_check_interval\": 0.5,\n"
          + "  \"block_size\": 4096,\n"
          + "  \"flush_max_workers\": 2,\n"
          + "  \"compaction_max_workers\": 1,\n"
          + "  \"max_levels\": 3,\n"
          + "  \"bloom_fpr_dev\": 0.05,\n"
          + "  \"bloom_fpr_prod\": 0.01,\n"
          + "  \"cache_data_entry_limit\": 256,\n"
          + "  \"cache_index_entry_limit\": 64,\n"
          + "  \"cache_bloom_entry_limit\": 64\n"
          + "}\n";

  private final InMemoryFileSystem fs = new InMemoryFileSystem();

  private void write(Path file, String text) throws IOException {
    fs.createDirectories(file.getParent());
    try (WritableFile f = fs.create(file)) {
      f.append(text.getBytes(StandardCharsets.UTF_8));
      f.sync();
    }
    fs.syncDirectory(file.getParent());
  }

  private String read(Path file) throws IOException {
    return new String(fs.contents(file), StandardCharsets.UTF_8);
  }

  @Test
  void absentFileIsCreatedWithEveryKeyAtItsDefaultAndSurvivesACrash() throws IOException {
    ConfigStore store = ConfigStore.open(fs, FILE);
    assertEquals(EngineConfig.defaults(), store.current());
    fs.crash(); // the created file was synced and its directory entry made durable
    String text = read(FILE);
    for (String key : ConfigKeys.names()) {
      assertTrue(text.contains("\"" + key + "\" : "), key + " missing in\n" + text);
    }
    assertEquals(EngineConfig.defaults(), ConfigStore.open(fs, FILE).current());
    assertFalse(fs.exists(ROOT.resolve("config.json.tmp")));
  }

  @Test
  void referenceSystemConfigLoads() throws IOException {
    write(FILE, REFERENCE_CONFIG);
    EngineConfig c = ConfigStore.open(fs, FILE).current();
    assertEquals(EngineConfig.Env.DEV, c.env());
    assertEquals(64.0, c.maxMemtableSizeMb());
    assertEquals(10, c.maxMemtableEntries());
    assertEquals(4, c.immutableQueueMaxLen());
    assertEquals(60.0, c.backpressureTimeoutSeconds());
    assertEquals(10, c.l0CompactionThreshold());
    assertEquals(0.5, c.compactionCheckIntervalSeconds());
    assertEquals(4096, c.blockSize());
    assertEquals(2, c.flushMaxWorkers());
    assertEquals(1, c.compactionMaxWorkers());
    assertEquals(3, c.maxLevels());
    assertEquals(0.05, c.bloomFprDev());
    assertEquals(0.01, c.bloomFprProd());
    assertEquals(256, c.cacheDataEntryLimit());
    assertEquals(64, c.cacheIndexEntryLimit());
    assertEquals(64, c.cacheBloomEntryLimit());
    assertEquals("arena", c.memtableImpl()); // ours, absent from the file: defaults
    assertEquals(REFERENCE_CONFIG, read(FILE)); // loading never rewrites
  }

  @Test
  void referenceConfigWithRealsWhereIntegersBelongLoads() throws IOException {
    // The reference casts with int() everywhere, so it tolerates 2.0; so do we (not 2.5).
    write(FILE, REFERENCE_CONFIG.replace("\"flush_max_workers\": 2", "\"flush_max_workers\": 2.0"));
    assertEquals(2, ConfigStore.open(fs, FILE).current().flushMaxWorkers());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"blok_size\": 4096}|blok_size|unknown config key",
        "{\"block_size\": \"4096\"}|block_size|expected an integer, got a string",
        "{\"block_size\": 4096.5}|block_size|expected an integer",
        "{\"block_size\": 1}|block_size|out of range: 256 to 4194304",
        "{\"env\": \"qa\"}|env|must be one of [dev, prod]",
        "{\"log_broadcast_enabled\": 1}|log_broadcast_enabled|expected true or false",
        "{\"bloom_fpr_prod\": null}|bloom_fpr_prod|a value is required",
        "{\"max_levels\": [3]}|max_levels|expected an integer, got array",
        "{\"l0_compaction_threshold\": 30}|l0_compaction_threshold|must not exceed",
      })
  void badValueIsRejectedNamingKeyAndFileStaysByteIdentical(String json, String key, String reason)
      throws IOException {
    write(FILE, json);
    byte[] before = fs.contents(FILE);
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigStore.open(fs, FILE));
    assertEquals(key, e.key());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid config " + key + "="), e.getMessage());
    assertArrayEquals(before, fs.contents(FILE));
  }

  static Stream<Arguments> malformedFiles() {
    return Stream.of(
        Arguments.of("{\n  \"env\": \"dev\",\n  \"block_size\" 4096\n}", "at line 3, column 16"),
        Arguments.of("{\n  \"env\": \"dev\",\n", "at line 3, column 1"),
        Arguments.of("{\"env\": \"dev\"} trailing", "at line 1, column 16"),
        Arguments.of("{\"env\": \"dev\", \"env\": \"prod\"}", "Duplicate field 'env'"),
        Arguments.of("{\"env\": \"dev\"}}", "at line 1, column 15"));
  }

  @ParameterizedTest
  @MethodSource("malformedFiles")
  void malformedJsonNamesFileLineAndColumnAndIsNeverReplaced(String json, String where)
      throws IOException {
    write(FILE, json);
    byte[] before = fs.contents(FILE);
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigStore.open(fs, FILE));
    assertNull(e.key());
    assertTrue(
        e.getMessage().startsWith("config file " + FILE + " is not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().contains(where), e.getMessage());
    assertArrayEquals(before, fs.contents(FILE));
  }

  @Test
  void emptyFileAndNonObjectRootAreRejected() throws IOException {
    write(FILE, "");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ConfigStore.open(fs, FILE));
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    assertEquals(0, fs.contents(FILE).length);
    write(FILE, "[1, 2]");
    e = assertThrows(InvalidConfigException.class, () -> ConfigStore.open(fs, FILE));
    assertTrue(e.getMessage().contains("must hold a JSON object"), e.getMessage());
  }

  @Test
  void updateParsesStringsPersistsAndNotifies() throws IOException {
    ConfigStore store = ConfigStore.open(fs, FILE);
    List<ConfigChange> seen = new ArrayList<>();
    store.addListener((change, config) -> seen.add(change));

    ConfigChange c = store.update("block_size", "8192");
    assertEquals(new ConfigChange("block_size", 4096, 8192, true), c);
    assertEquals(8192, store.current().blockSize());
    assertEquals(List.of(c), seen);

    ConfigChange r = store.update("memtable_impl", "redblack");
    assertFalse(r.appliedLive(), "memtable_impl applies on reopen");

    fs.crash(); // the update was durable when it returned
    EngineConfig reread = ConfigStore.open(fs, FILE).current();
    assertEquals(8192, reread.blockSize());
    assertEquals("redblack", reread.memtableImpl());
  }

  @Test
  void reopenOnlyChangesAreInTheFileButNotInEffectUntilReopen() throws IOException {
    ConfigStore store = ConfigStore.open(fs, FILE);
    List<EngineConfig> told = new ArrayList<>();
    store.addListener((change, config) -> told.add(config));
    store.update("max_levels", 4); // reopen-only
    store.update("block_size", 8192); // live
    assertEquals(4, store.current().maxLevels());
    assertEquals(6, store.effective().maxLevels());
    assertEquals(8192, store.effective().blockSize());
    assertEquals(6, told.get(1).maxLevels());
    assertEquals(8192, told.get(1).blockSize());
    ConfigStore reopened = ConfigStore.open(fs, FILE);
    assertEquals(4, reopened.effective().maxLevels());
    assertEquals(reopened.current(), reopened.effective());
  }

  @Test
  void sameValueWritesNothingAndNotifiesNobody() throws IOException {
    FaultInjectingFileSystem faulty = new FaultInjectingFileSystem(fs);
    ConfigStore store = ConfigStore.open(faulty, FILE);
    List<ConfigChange> seen = new ArrayList<>();
    store.addListener((change, config) -> seen.add(change));
    long creates = faulty.count(Op.CREATE);
    ConfigChange c = store.update("block_size", 4096.0);
    assertEquals(new ConfigChange("block_size", 4096, 4096, true), c);
    assertEquals(creates, faulty.count(Op.CREATE));
    assertTrue(seen.isEmpty());
  }

  @Test
  void invalidUpdateChangesNothing() throws IOException {
    ConfigStore store = ConfigStore.open(fs, FILE);
    byte[] before = fs.contents(FILE);
    List<ConfigChange> seen = new ArrayList<>();
    store.addListener((change, config) -> seen.add(change));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> store.update("block_size", "8k"));
    assertEquals("invalid config block_size=\"8k\": expected an integer", e.getMessage());
    assertThrows(InvalidConfigException.class, () -> store.update("no_such_key", 1));
    assertThrows(InvalidConfigException.class, () -> store.update("env", true));
    assertEquals(EngineConfig.defaults(), store.current());
    assertArrayEquals(before, fs.contents(FILE));
    assertTrue(seen.isEmpty());
  }

  @Test
  void validatorCanVetoAnUpdate() throws IOException {
    ConfigStore store = ConfigStore.open(fs, FILE);
    store.addValidator(
        (key, candidate) -> {
          if (candidate.memtableImpl().equals("exotic")) {
            throw new InvalidConfigException(key, "exotic", "not installed");
          }
        });
    assertThrows(InvalidConfigException.class, () -> store.update("memtable_impl", "exotic"));
    assertEquals("arena", store.current().memtableImpl());
    assertFalse(read(FILE).contains("exotic"));
  }

  @Test
  void failingListenerMakesAppliedLiveFalseButTheChangeStaysPersisted() throws IOException {
    ConfigStore store = ConfigStore.open(fs, FILE);
    List<String> order = new ArrayList<>();
    store.addListener(
        (change, config) -> {
          order.add("first");
          throw new IllegalStateException("cannot resize");
        });
    store.addListener((change, config) -> order.add("second"));
    ConfigChange c = store.update("cache_data_entry_limit", 10);
    assertFalse(c.appliedLive());
    assertEquals(List.of("first", "second"), order);
    assertEquals(10, ConfigStore.open(fs, FILE).current().cacheDataEntryLimit());
  }

  @ParameterizedTest
  @CsvSource({"CREATE", "WRITE", "SYNC", "RENAME"})
  void failedPersistKeepsOldFileAndConfig(Op failing) throws IOException {
    FaultInjectingFileSystem faulty = new FaultInjectingFileSystem(fs);
    ConfigStore store = ConfigStore.open(faulty, FILE);
    byte[] before = fs.contents(FILE);
    faulty.failAt(failing, 1, Fault.TRANSIENT);
    KiwiIOException e = assertThrows(KiwiIOException.class, () -> store.update("block_size", 8192));
    assertTrue(e.getMessage().startsWith("persist config: "), e.getMessage());
    assertEquals(4096, store.current().blockSize());
    assertArrayEquals(before, fs.contents(FILE));
    assertFalse(fs.exists(ROOT.resolve("config.json.tmp")), "temp file cleaned up");
    fs.crash();
    assertEquals(4096, ConfigStore.open(fs, FILE).current().blockSize());
  }

  @Test
  void crashBeforeTheDirectorySyncLeavesOldOrNewNeverAMix() throws IOException {
    FaultInjectingFileSystem faulty = new FaultInjectingFileSystem(fs);
    ConfigStore store = ConfigStore.open(faulty, FILE);
    faulty.failAt(Op.SYNC_DIR, 1, Fault.CRASH);
    assertThrows(KiwiIOException.class, () -> store.update("block_size", 8192));
    faulty.crash();
    faulty.heal();
    int blockSize = ConfigStore.open(fs, FILE).current().blockSize();
    assertTrue(blockSize == 4096 || blockSize == 8192, "got " + blockSize);
  }

  @Test
  void customPathInAMissingDirectoryIsCreated() {
    Path custom = Path.of("/etc/kiwi/engine.json");
    ConfigStore store = ConfigStore.open(fs, custom);
    assertEquals(custom, store.file());
    assertTrue(fs.exists(custom));
  }

  @Test
  void worksOnTheRealFileSystem(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    ConfigStore store = ConfigStore.open(FileSystems.local(), file);
    store.update("env", "dev");
    String text = Files.readString(file);
    assertTrue(text.contains("\"env\" : \"dev\""), text);
    assertEquals("dev", ConfigStore.open(FileSystems.local(), file).current().get("env"));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(file), listing.toList());
    }
  }

  @Test
  void concurrentUpdatesAreSerialisedAndAllPersisted() throws Exception {
    ConfigStore store = ConfigStore.open(fs, FILE);
    List<ConfigChange> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    store.addListener((change, config) -> seen.add(change));
    String[] keys = {
      "block_size", "cache_data_entry_limit", "cache_index_entry_limit", "max_memtable_entries"
    };
    Thread[] threads = new Thread[keys.length];
    for (int t = 0; t < keys.length; t++) {
      String key = keys[t];
      threads[t] =
          new Thread(
              () -> {
                for (int i = 1; i <= 50; i++) {
                  store.update(key, 1000 + i);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(4 * 50, seen.size());
    EngineConfig reread = ConfigStore.open(fs, FILE).current();
    for (String key : keys) {
      assertEquals(1050, reread.get(key), key);
    }
  }
}
