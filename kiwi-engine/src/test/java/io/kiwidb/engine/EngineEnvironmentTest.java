package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.engine.internal.SpiCatalog;
import io.kiwidb.engine.internal.TestProviders;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class EngineEnvironmentTest {
  private static final Path ROOT = Path.of("/db");
  private final InMemoryFileSystem fs = new InMemoryFileSystem();

  /** Test-only catalog (the real providers are in modules not merged yet). */
  private static SpiCatalog catalog() {
    return TestProviders.CATALOG;
  }

  private static boolean routerAttached() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    return ctx.getLogger("io.kiwidb").iteratorForAppenders().hasNext();
  }

  private void write(Path file, String text) throws IOException {
    fs.createDirectories(file.getParent());
    try (WritableFile f = fs.create(file)) {
      f.append(text.getBytes(StandardCharsets.UTF_8));
      f.sync();
    }
  }

  @Test
  void opensEverythingAndClosesInOrder() {
    EngineEnvironment env = EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of());
    assertEquals("arena", env.injector().getInstance(MemTableFactory.class).name());
    assertEquals(ROOT.resolve("config.json"), env.config().file());
    assertTrue(env.logging().logFile().isEmpty(), "no real files for an in-memory store");
    assertTrue(routerAttached());
    assertThrows(
        KiwiException.class,
        () -> EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of()));
    assertTrue(routerAttached(), "the failed second open left the first engine's logging alone");
    env.close();
    env.close();
    assertFalse(routerAttached());
    EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of())
        .close(); // the lock was released
  }

  @Test
  void aBadConfigFailsTheOpenAndLeavesNothingBehind() throws IOException {
    write(ROOT.resolve("config.json"), "{\"block_size\": \"big\"}");
    byte[] before = fs.contents(ROOT.resolve("config.json"));
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of()));
    assertEquals("block_size", e.key());
    assertArrayEquals(before, fs.contents(ROOT.resolve("config.json")));
    assertFalse(routerAttached());
    write(ROOT.resolve("config.json"), "{\"block_size\": 8192}");
    try (EngineEnvironment env =
        EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of())) {
      assertEquals(8192, env.config().current().blockSize());
    }
  }

  @Test
  void anUninstalledImplementationFailsTheOpenAndLaterUpdates() throws IOException {
    write(ROOT.resolve("config.json"), "{\"filter_policy\": \"ribbon\"}");
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of()));
    assertTrue(e.getMessage().contains("installed: [bloom, none]"), e.getMessage());
    assertFalse(routerAttached());
    write(ROOT.resolve("config.json"), "{}");
    try (EngineEnvironment env =
        EngineEnvironment.open(fs, ROOT, (Path) null, catalog(), List.of())) {
      assertThrows(
          InvalidConfigException.class, () -> env.config().update("memtable_impl", "hash"));
    }
  }

  @Test
  void onTheLocalFileSystemTheStartupLinesReachTheEngineLog(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve("db");
    Path custom = tmp.resolve("etc/kiwi.json");
    try (EngineEnvironment env =
        EngineEnvironment.open(FileSystems.local(), root, custom, catalog(), List.of())) {
      assertEquals(custom, env.config().file());
      assertTrue(Files.exists(custom));
      assertTrue(env.logging().logPort() > 0);
    }
    String log = Files.readString(root.resolve("logs/kiwidb.log"));
    assertTrue(log.contains("Startup started data_root=\"" + root + "\""), log);
    assertTrue(log.contains("Config loaded"), log);
    assertTrue(log.contains("block_size=4096"), log);
  }
}
