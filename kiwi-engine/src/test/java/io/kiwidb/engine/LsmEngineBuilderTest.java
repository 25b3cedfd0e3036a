package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.multibindings.MapBinder;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SortedMapMemTable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What {@link LsmEngine.Builder} promises an application: its own file system, and its own
 * implementations bound through Guice and chosen by config like the installed ones.
 */
class LsmEngineBuilderTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();

  @Test
  void aMemtableBoundByTheApplicationIsChosenByConfig() {
    AtomicInteger created = new AtomicInteger();
    MemTableFactory mine =
        new MemTableFactory() {
          @Override
          public String name() {
            return "mine";
          }

          @Override
          public MemTable create() {
            created.incrementAndGet();
            return new SortedMapMemTable();
          }
        };
    writeConfig(fs, ROOT, Map.of("memtable_impl", "mine"));
    try (LsmEngine db =
        LsmEngine.builder(ROOT)
            .fileSystem(fs)
            .modules(
                binder ->
                    MapBinder.newMapBinder(binder, String.class, MemTableFactory.class)
                        .addBinding("mine")
                        .toInstance(mine))
            .open()) {
      db.put(b("k"), b("v"));
      db.flush();
      db.put(b("k2"), b("v2"));
      assertEquals("v", s(db.get(b("k")).orElseThrow()));
      assertEquals("mine", db.stats().implementations().get("memtable_impl"));
      assertTrue(created.get() >= 2, "the engine made its memtables with it: " + created);
    }
  }

  @Test
  void withoutTheBindingTheSameConfigFailsListingWhatIsInstalled() {
    writeConfig(fs, ROOT, Map.of("memtable_impl", "mine"));
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> LsmEngine.builder(ROOT).fileSystem(fs).open());
    assertTrue(e.getMessage().contains("unknown implementation; installed: ["), e.getMessage());
    assertEquals("memtable_impl", e.key());
    // The failed open left nothing locked: the next one works.
    writeConfig(fs, ROOT, Map.of());
    LsmEngine.builder(ROOT).fileSystem(fs).open().close();
  }

  @Test
  void aModuleThatRebindsTheFileSystemFailsTheOpenAndLeavesNothingLocked() {
    InMemoryFileSystem other = new InMemoryFileSystem();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LsmEngine.builder(ROOT)
                    .fileSystem(fs)
                    .modules(binder -> binder.bind(FileSystem.class).toInstance(other))
                    .open());
    assertTrue(e.getMessage().contains(".fileSystem(fs)"), e.getMessage());
    LsmEngine.builder(ROOT).fileSystem(fs).open().close();
  }

  @Test
  void theBuilderRefusesNulls() {
    assertThrows(NullPointerException.class, () -> LsmEngine.builder(null));
    assertThrows(NullPointerException.class, () -> LsmEngine.builder(ROOT).fileSystem(null));
    assertThrows(
        NullPointerException.class,
        () -> LsmEngine.builder(ROOT).modules((com.google.inject.Module) null));
  }
}
