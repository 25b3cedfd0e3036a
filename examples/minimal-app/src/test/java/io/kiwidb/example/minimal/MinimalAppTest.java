package io.kiwidb.example.minimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiDb;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example on the module path, with exactly the dependencies its POM lists. */
class MinimalAppTest {
  @TempDir Path dir;

  @Test
  void runsWithTheOneMemtableAndFilterItDependsOn() throws Exception {
    assertEquals(0, MinimalApp.run(dir.resolve("ok"), "skiplist"));
  }

  @Test
  void namingAnAbsentMemtableFailsNamingTheArtifactToAdd() throws Exception {
    Path data = dir.resolve("absent");
    Files.createDirectories(data);
    Files.writeString(
        data.resolve("config.json"),
        "{\"memtable_impl\": \"redblack\", \"log_broadcast_enabled\": false}",
        StandardCharsets.UTF_8);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> KiwiDb.open(data));
    assertTrue(e.getMessage().contains("io.kiwidb:kiwi-memtable-redblack"), e.getMessage());
    assertTrue(e.getMessage().contains("installed: [skiplist]"), e.getMessage());
    assertEquals("memtable_impl", e.key());
  }
}
