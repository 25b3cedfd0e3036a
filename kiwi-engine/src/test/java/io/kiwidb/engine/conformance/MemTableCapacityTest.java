package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.engine.LsmEngine;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A memtable implementation may cap {@code max_memtable_size_mb} ({@code
 * MemTableFactory.maxMemTableSizeBytes}); {@code arena} holds at most 1024 MiB. The engine refuses
 * a larger setting at open and on a live update, naming the implementation and its limit, and
 * leaves the old config in effect.
 */
class MemTableCapacityTest extends EngineFixture {

  private static final String TOO_LARGE_FOR_ARENA =
      "invalid config max_memtable_size_mb=2048.0: more than memtable_impl \"arena\" can hold"
          + " (1024 MiB); lower it to 1024 or less, or choose a memtable_impl without this limit:"
          + " [redblack, skiplist]";

  @Test
  @DisplayName("open: arena with max_memtable_size_mb above 1024 fails, naming the limit")
  void openingAnArenaEngineAboveItsLimitFails() throws Exception {
    writeConfig(Map.of("memtable_impl", "arena", "max_memtable_size_mb", 2048));
    String before = readFile(configFile());
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> LsmEngine.open(fs, root, null));
    assertEquals(TOO_LARGE_FOR_ARENA, e.getMessage());
    assertEquals("max_memtable_size_mb", e.key());
    assertEquals(before, readFile(configFile()), "the file is kept as it was");
    assertFalse(fs.exists(walDir()), "no WAL segment, and the failed open removed wal/ again");
    // 1024 MiB exactly is allowed, and the failed open left no lock behind.
    open(Map.of("memtable_impl", "arena", "max_memtable_size_mb", 1024));
    engine.put(b("a"), b("1"));
    assertEquals("1", get("a"));
  }

  @Test
  @DisplayName("open: skiplist and redblack accept the largest max_memtable_size_mb")
  void theObjectMemtablesAcceptAnySize() {
    for (String impl : new String[] {"skiplist", "redblack"}) {
      open(Map.of("memtable_impl", impl, "max_memtable_size_mb", 65536));
      engine.put(b("a"), b(impl));
      assertEquals(impl, get("a"));
      assertEquals(65536.0, engine.config().get("max_memtable_size_mb"));
      assertTrue(engine.updateConfig("max_memtable_size_mb", 2048).appliedLive());
      engine.close();
      engine = null;
    }
  }

  @Test
  @DisplayName(
      "update_config: above arena's limit is refused; the old size stays in effect and the engine"
          + " keeps working")
  void aLiveUpdateAboveTheArenaLimitIsRefused() {
    // A 16 KiB memtable, so the old limit can be seen to freeze it.
    open(Map.of("memtable_impl", "arena", "max_memtable_size_mb", 1.0 / 64));
    String before = readFile(configFile());
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> engine.updateConfig("max_memtable_size_mb", 2048));
    assertEquals(TOO_LARGE_FOR_ARENA, e.getMessage());
    assertEquals(before, readFile(configFile()));
    assertEquals(1.0 / 64, engine.config().get("max_memtable_size_mb"));

    String active = engine.stats().activeTableId();
    byte[] value = new byte[1024];
    for (int i = 0; i < 32; i++) {
      engine.put(b("k" + i), value);
    }
    assertNotEquals(active, engine.stats().activeTableId(), "frozen at the old 16 KiB limit");
    assertEquals(1024, engine.get(b("k31")).orElseThrow().length);

    assertTrue(engine.updateConfig("max_memtable_size_mb", 1024).appliedLive());
    assertEquals(1024.0, engine.config().get("max_memtable_size_mb"));
  }

  @Test
  @DisplayName(
      "update_config: the running arena's limit holds while memtable_impl = skiplist waits for"
          + " the next open")
  void theMemtableInUseBoundsLiveUpdatesUntilReopen() {
    open(Map.of("memtable_impl", "arena"));
    assertFalse(engine.updateConfig("memtable_impl", "skiplist").appliedLive());
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> engine.updateConfig("max_memtable_size_mb", 2048));
    assertTrue(
        e.getMessage().contains("memtable_impl \"arena\" (in use until the next open) can hold"),
        e.getMessage());
    assertEquals(64.0, engine.config().get("max_memtable_size_mb"));
    reopen();
    assertTrue(engine.updateConfig("max_memtable_size_mb", 2048).appliedLive());
  }

  @Test
  @DisplayName("update_config: choosing arena while max_memtable_size_mb is above 1024 is refused")
  void switchingToArenaAboveItsLimitIsRefused() {
    open(Map.of("memtable_impl", "skiplist", "max_memtable_size_mb", 2048));
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> engine.updateConfig("memtable_impl", "arena"));
    assertEquals(TOO_LARGE_FOR_ARENA, e.getMessage());
    assertEquals("skiplist", engine.config().get("memtable_impl"));
    reopen(); // the refused name was not persisted
    assertEquals("skiplist", engine.config().get("memtable_impl"));
  }

  @Test
  @DisplayName("open: arena is the default, so a size above 1024 without memtable_impl fails")
  void theDefaultMemtableIsTheArenaAndItsLimitApplies() throws Exception {
    writeConfig(Map.of("max_memtable_size_mb", 2048));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> LsmEngine.open(fs, root, null));
    assertEquals(TOO_LARGE_FOR_ARENA, e.getMessage());
    open(Map.of("max_memtable_size_mb", 2048, "memtable_impl", "skiplist"));
    assertEquals("skiplist", engine.config().get("memtable_impl"));
  }
}
