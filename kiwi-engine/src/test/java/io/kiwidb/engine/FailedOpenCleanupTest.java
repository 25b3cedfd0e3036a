package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed open leaves the directory as it found it (issue 23: LOCK, logs/, sst/, wal/ stayed). */
class FailedOpenCleanupTest {
  @TempDir Path tmp;

  private static final String BAD = "{\"block_size\": -1}\n";

  @Test
  void aBadConfigInANewDirectoryLeavesOnlyTheConfig() throws IOException {
    Path data = Files.createDirectory(tmp.resolve("data"));
    Files.writeString(data.resolve("config.json"), BAD);
    assertThrows(InvalidConfigException.class, () -> KiwiDb.open(data));
    assertEquals(Map.of("config.json", "file"), listing(data));
    assertEquals(BAD, Files.readString(data.resolve("config.json")), "the file is untouched");
  }

  @Test
  void aMissingDirectoryWithABadExplicitConfigIsNotCreated() throws IOException {
    Path data = tmp.resolve("new/data");
    Path config = Files.writeString(tmp.resolve("bad.json"), BAD);
    assertThrows(InvalidConfigException.class, () -> KiwiDb.open(data, config));
    assertFalse(Files.exists(tmp.resolve("new/data")));
    assertEquals(BAD, Files.readString(config));
  }

  @Test
  void aFailureAfterLoggingStartedRemovesTheLogAndTheFilesItCreated() throws IOException {
    Path data = Files.createDirectory(tmp.resolve("data"));
    Files.writeString(
        data.resolve("config.json"),
        "{\"memtable_impl\": \"no-such-memtable\", \"log_broadcast_enabled\": false}\n");
    assertThrows(InvalidConfigException.class, () -> KiwiDb.open(data));
    assertEquals(Map.of("config.json", "file"), listing(data));
  }

  @Test
  void aStoreThatFailsToOpenKeepsEveryFileItHad() throws IOException {
    Path data = tmp.resolve("data");
    EngineTestSupport.writeConfig(io.kiwidb.fs.FileSystems.local(), data, Map.of());
    try (StorageEngine db = KiwiDb.open(data)) {
      db.put(EngineTestSupport.b("k"), EngineTestSupport.b("v"));
    }
    Files.writeString(data.resolve("config.json"), BAD);
    Map<String, String> before = ReadOnlyOpenTest.tree(data);
    assertThrows(InvalidConfigException.class, () -> KiwiDb.open(data));
    assertEquals(before, ReadOnlyOpenTest.tree(data));
  }

  @Test
  void inAStoreOnlyANewLockIsRemovedNeverANewManifest() throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    Path root = Path.of("/db");
    fs.createDirectories(root);
    write(fs, root.resolve("CURRENT"));
    FailedOpenCleanup cleanup = FailedOpenCleanup.before(fs, root, null);
    write(fs, root.resolve("LOCK"));
    write(fs, root.resolve("MANIFEST-000009")); // a recovery that failed after switching
    cleanup.undo(new RuntimeException("open failed"));
    assertEquals(List.of(root.resolve("CURRENT"), root.resolve("MANIFEST-000009")), fs.list(root));
    assertTrue(fs.exists(root.resolve("CURRENT")));
  }

  private static void write(InMemoryFileSystem fs, Path p) throws IOException {
    try (WritableFile w = fs.create(p)) {
      w.append("x".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> listing(Path dir) throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (var s = Files.list(dir)) {
      s.forEach(p -> out.put(p.getFileName().toString(), Files.isDirectory(p) ? "dir" : "file"));
    }
    return out;
  }
}
