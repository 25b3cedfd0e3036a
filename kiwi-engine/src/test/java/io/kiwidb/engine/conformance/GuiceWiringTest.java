package io.kiwidb.engine.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.engine.EngineTestHooks;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue #8's wiring: one injector per engine; each SPI's ServiceLoader providers in a MapBinder.
 */
class GuiceWiringTest {

  private static LsmEngine open(InMemoryFileSystem fs, String root, String json) throws Exception {
    Path dir = Path.of(root);
    fs.createDirectories(dir);
    try (var f = fs.create(dir.resolve("config.json"))) {
      f.append(json.getBytes(StandardCharsets.UTF_8));
    }
    return LsmEngine.open(fs, dir, null);
  }

  @Test
  @DisplayName(
      "Guice: one injector per engine; MapBinder<String, T> holds every ServiceLoader provider;"
          + " the config picks one")
  void eachEngineHasItsOwnInjectorAndChoice() throws Exception {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    try (LsmEngine a =
            open(
                fs,
                "/guice-a",
                "{\"log_broadcast_enabled\": false, \"memtable_impl\": \"skiplist\"}");
        LsmEngine b =
            open(
                fs,
                "/guice-b",
                "{\"log_broadcast_enabled\": false, \"memtable_impl\": \"redblack\","
                    + " \"filter_policy\": \"ribbon\", \"compaction_strategy\": \"tiered\"}")) {
      Injector ia = EngineTestHooks.injector(a);
      Injector ib = EngineTestHooks.injector(b);
      assertNotSame(ia, ib);
      Map<String, MemTableFactory> memtables =
          ia.getInstance(Key.get(new TypeLiteral<Map<String, MemTableFactory>>() {}));
      assertEquals(NamedProviders.all(MemTableFactory.class).keySet(), memtables.keySet());
      assertTrue(memtables.keySet().containsAll(java.util.Set.of("arena", "skiplist", "redblack")));
      assertEquals(
          NamedProviders.all(FilterPolicy.class).keySet(),
          ia.getInstance(Key.get(new TypeLiteral<Map<String, FilterPolicy>>() {})).keySet());
      assertEquals(
          NamedProviders.all(CompactionStrategy.class).keySet(),
          ia.getInstance(Key.get(new TypeLiteral<Map<String, CompactionStrategy>>() {})).keySet());
      assertEquals(
          NamedProviders.all(Compressor.class).keySet(),
          ia.getInstance(Key.get(new TypeLiteral<Map<String, Compressor>>() {})).keySet());
      assertEquals("skiplist", ia.getInstance(MemTableFactory.class).name());
      assertEquals("redblack", ib.getInstance(MemTableFactory.class).name());
      assertEquals("bloom", ia.getInstance(FilterPolicy.class).name());
      assertEquals("ribbon", ib.getInstance(FilterPolicy.class).name());
      assertEquals("tiered", ib.getInstance(CompactionStrategy.class).name());
      b.put(new byte[] {1}, new byte[] {2});
      assertEquals(2, b.get(new byte[] {1}).orElseThrow()[0]);
    }
  }
}
