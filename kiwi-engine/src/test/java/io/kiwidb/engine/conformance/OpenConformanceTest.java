package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.engine.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference page's {@code LSMEngine.open}, step by step, as the log lines show it. */
class OpenConformanceTest extends EngineFixture {

  @Test
  @DisplayName(
      "open: \"1. Logging — configured BEFORE any log call\" (Startup started comes first)")
  void loggingStartsBeforeAnyLogLine() {
    open(Map.of("log_broadcast_enabled", true, "log_broadcast_port", 0));
    assertEquals("Startup started", logs.messages().get(0));
    Map<String, String> kv = logs.kv("Startup started");
    assertEquals(root.toString(), kv.get("data_root"));
    assertEquals(String.valueOf(engine.logPort()), kv.get("log_port"));
    assertTrue(kv.containsKey("log_file"), kv.toString());
  }

  @Test
  @DisplayName(
      "open: steps 1-10 in order: Startup started, Config loaded, MemTableManager created,"
          + " SSTables loaded, WAL opened (after replay: differs), Startup complete")
  void openStepsAreLoggedInTheReferenceOrder() {
    open();
    List<String> order =
        List.of(
            "Startup started",
            "Config loaded",
            "MemTableManager created",
            "SSTables loaded",
            "WAL opened",
            "Startup complete");
    int previous = logs.assertInOrder(order);
    assertEquals(previous, logs.messages().size() - 1, "Startup complete is the last line");
  }

  @Test
  @DisplayName("open: \"2. Config — loaded early\" logs the whole config")
  void configLoadedLineCarriesEveryKey() {
    open();
    String config = logs.kv("Config loaded").get("config");
    for (String key : ConfigKeys.names()) {
      assertTrue(config.contains(key + "="), key + " missing from " + config);
    }
  }

  @Test
  @DisplayName(
      "open: \"10. Ready\" — Startup complete with data_root, live_keys, seq, l0_sstables,"
          + " log_port")
  void startupCompleteReportsLiveKeysSeqL0AndLogPort() {
    open(Map.of("log_broadcast_enabled", true, "log_broadcast_port", 0));
    for (int i = 0; i < 5; i++) {
      engine.put(b("k" + i), b("v" + i));
    }
    engine.flush();
    awaitFlushed(1);
    engine.put(b("x"), b("1"));
    engine.delete(b("y"));
    logs.clear();
    reopen();
    Map<String, String> kv = logs.kv("Startup complete");
    assertEquals(root.toString(), kv.get("data_root"));
    assertEquals("2", kv.get("live_keys"), "entries replayed into the active memtable");
    assertEquals("7", kv.get("seq"));
    assertEquals("1", kv.get("l0_sstables"));
    assertEquals(String.valueOf(engine.logPort()), kv.get("log_port"));
    assertTrue(engine.logPort() > 0);
  }

  @Test
  @DisplayName("log_port: \"Return the TCP log broadcast port, or 0 if disabled\"")
  void logPortIsZeroWhenBroadcastIsDisabled() {
    open(Map.of("log_broadcast_enabled", false));
    assertEquals(0, engine.logPort());
    assertEquals("0", logs.kv("Startup complete").get("log_port"));
  }

  @Test
  @DisplayName("open: \"7. Recovery — use max seq from SSTables + WAL\"")
  void recoveryResumesAfterTheLargerOfTablesAndWal() {
    open();
    for (int i = 0; i < 10; i++) {
      engine.put(b("k" + i), b("v"));
    }
    engine.put(b("a"), b("1"));
    fs.holdSyncs(ObservedFileSystem.under(sstDir())); // the install comes after flush() rolls
    engine.flush();
    fs.releaseSyncs();
    awaitFlushed(1);
    await("the flushed WAL segment deleted", () -> engine.stats().walEntryCount() == 0);
    reopen();
    assertEquals(11, engine.stats().seq(), "from the tables alone: the WAL is empty");
    engine.put(b("b"), b("2"));
    engine.put(b("c"), b("3"));
    reopen();
    assertEquals(13, engine.stats().seq(), "from the WAL, past the tables");
    assertEquals("1", get("a"));
    assertEquals("3", get("c"));
    assertEquals("v", get("k9"));
    engine.put(b("d"), b("4"));
    assertEquals(14, engine.stats().seq(), "new writes continue the sequence");
  }

  @Test
  @DisplayName("open: \"9. Startup compaction check (L0 may already be at threshold)\"")
  void startupCompactsAnL0AlreadyAtItsThreshold() {
    open(Map.of("l0_compaction_threshold", 10));
    for (int t = 0; t < 3; t++) {
      engine.put(b("a"), b("v" + t)); // overlapping tables: one merge, not trivial moves
      engine.put(b("z"), b("v" + t));
      engine.flush();
      awaitFlushed(t + 1);
    }
    engine.close();
    writeConfig(Map.of("l0_compaction_threshold", 2));
    logs.clear();
    engine = LsmEngine.open(fs, root, null);
    // No write after the open: only the startup check can start this compaction.
    await("the startup compaction to empty L0", () -> engine.stats().l0SstableCount() == 0);
    await("its log line", () -> logs.messages().contains("Compaction installed"));
    assertEquals(6, engine.stats().seq(), "no write since the open");
    // One merged table, in L1 or (dynamic level targets, the default) the last level.
    assertEquals(
        1,
        engine.showDisk().levels().entrySet().stream()
            .filter(level -> !level.getKey().equals("L0"))
            .mapToInt(level -> level.getValue().size())
            .sum());
    assertEquals("v2", get("a"));
  }

  @Test
  @DisplayName(
      "open: \"Open or create an LSM engine rooted at data_root\" (config.json created with"
          + " defaults)")
  void openCreatesTheDirectoryAndADefaultConfig() {
    engine = LsmEngine.open(fs, root, null);
    assertTrue(fs.exists(configFile()));
    String json = readFile(configFile());
    for (String key : ConfigKeys.names()) {
      assertTrue(json.contains("\"" + key + "\""), key + " missing from the created config");
    }
    for (String dir : List.of("wal", "sst", "logs", "LOCK")) {
      assertTrue(fs.exists(root.resolve(dir)), dir);
    }
  }

  @Test
  @DisplayName(
      "open: \"config_path: Optional override for config file location. Defaults to"
          + " <data_root>/config.json\"")
  void anExplicitConfigPathIsUsedInsteadOfTheDefault() {
    Path elsewhere = Path.of("/etc-" + root.getFileName(), "kiwi.json");
    writeFile(elsewhere, "{\"block_size\": 8192, \"log_broadcast_enabled\": false}\n");
    engine = LsmEngine.open(fs, root, elsewhere);
    assertEquals(8192, engine.config().get("block_size"));
    assertFalse(fs.exists(configFile()), "no config.json in the data root");
    engine.updateConfig("block_size", 16384);
    assertTrue(readFile(elsewhere).contains("16384"));
  }

  @Test
  @DisplayName("LOCK: a second engine on the same data_root (same process) fails clearly")
  void aSecondEngineOnTheSameRootFails() {
    open();
    KiwiException e = assertThrows(KiwiException.class, () -> LsmEngine.open(fs, root, null));
    assertTrue(
        e.getMessage().contains(root + " is in use by another kiwi-db engine"), e.getMessage());
    engine.put(b("a"), b("1"));
    assertEquals("1", get("a"), "the first engine is unharmed");
  }

  @Test
  @DisplayName("open: KiwiDb.open(data_root) reaches LsmEngine through ServiceLoader")
  void kiwiDbOpenFindsThisEngine(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"log_broadcast_enabled\": false}");
    try (StorageEngine db = KiwiDb.open(dir)) {
      assertInstanceOf(LsmEngine.class, db);
      db.put(b("k"), b("v"));
      assertEquals("v", s(db.get(b("k")).orElseThrow()));
    }
    assertTrue(Files.isRegularFile(dir.resolve("logs/kiwidb.log")));
  }

  @Test
  @DisplayName("data_root: \"Return the root data directory path\"")
  void dataRootIsTheDirectoryGiven() {
    open();
    assertEquals(root, engine.dataRoot());
    assertEquals(root.toString(), engine.stats().dataRoot());
  }
}
