package io.kiwidb.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KiwiDbTest {
  @Test
  void withoutAnEngineTheErrorNamesTheModuleToAdd() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> KiwiDb.open(Path.of("data")));
    assertTrue(e.getMessage().contains("io.kiwidb.engine"), e.getMessage());
    assertTrue(e.getMessage().contains("io.kiwidb:kiwi-engine"), e.getMessage());
  }

  @Test
  void rejectsANullDataRoot() {
    assertThrows(NullPointerException.class, () -> KiwiDb.open(null));
  }
}
