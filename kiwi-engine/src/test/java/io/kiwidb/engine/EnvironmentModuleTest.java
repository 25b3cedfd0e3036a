package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.util.Modules;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.engine.internal.EngineInjector;
import io.kiwidb.engine.internal.SpiCatalog;
import io.kiwidb.engine.internal.TestProviders;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.engine.logging.LoggingOptions;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvironmentModuleTest {

  static final SpiCatalog CATALOG = TestProviders.CATALOG;

  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private EnvironmentModule module(String root, Map<String, Object> settings, SpiCatalog catalog) {
    DataDirectory dir = DataDirectory.open(fs, Path.of(root));
    toClose.add(dir);
    ConfigStore first = ConfigStore.open(fs, dir.configFile());
    settings.forEach(first::update);
    // Implementation names apply on reopen: load the file again, as the next open would.
    ConfigStore store = ConfigStore.open(fs, dir.configFile());
    EngineLogging logging =
        EngineLogging.start(
            dir.logsDir(),
            EngineLogging.newEngineId(dir.root()),
            LoggingOptions.defaults().withFile(false).withBroadcast(false, 0));
    toClose.add(logging);
    return new EnvironmentModule(dir, store, logging, catalog);
  }

  @Test
  void picksTheConfiguredImplementationOfEachSpi() {
    Injector injector =
        EngineInjector.create(
            module(
                "/db",
                Map.of(
                    "memtable_impl",
                    "redblack",
                    "filter_policy",
                    "none",
                    "compaction_strategy",
                    "tiered"),
                CATALOG));
    assertEquals("redblack", injector.getInstance(MemTableFactory.class).name());
    assertEquals("none", injector.getInstance(FilterPolicy.class).name());
    assertEquals("tiered", injector.getInstance(CompactionStrategy.class).name());
    assertEquals("none", injector.getInstance(Compressor.class).name());
    assertSame(
        injector.getInstance(MemTableFactory.class), injector.getInstance(MemTableFactory.class));
    Map<String, MemTableFactory> all =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, MemTableFactory>>() {}));
    assertEquals(Set.of("arena", "skiplist", "redblack"), all.keySet());
    assertSame(fs, injector.getInstance(FileSystem.class));
    assertEquals(Path.of("/db"), injector.getInstance(DataDirectory.class).root());
  }

  @Test
  void anUnknownNameFailsTheInjectorListingTheKnownNames() {
    EnvironmentModule m = module("/db", Map.of("compression", "lz4"), CATALOG);
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> EngineInjector.create(m));
    assertEquals(
        "invalid config compression=\"lz4\": not installed: it comes with the Maven artifact"
            + " io.kiwidb:kiwi-sstable-lz4 (module io.kiwidb.sstable.lz4); add that to the module"
            + " or class path (installed: [none])",
        e.getMessage());
    assertEquals("compression", e.key());
  }

  @Test
  void configAndCompactionOptionsFollowLiveUpdates() {
    EnvironmentModule m = module("/db", Map.of(), CATALOG);
    Injector injector = EngineInjector.create(m);
    ConfigStore store = injector.getInstance(ConfigStore.class);
    assertEquals(4, injector.getInstance(CompactionOptions.class).l0CompactionThreshold());
    store.update("l0_compaction_threshold", 8);
    assertEquals(8, injector.getInstance(EngineConfig.class).l0CompactionThreshold());
    assertEquals(8, injector.getInstance(CompactionOptions.class).l0CompactionThreshold());
  }

  @Test
  void theCatalogValidatorRefusesUpdatesToUninstalledNames() {
    EnvironmentModule m = module("/db", Map.of(), CATALOG);
    Injector injector = EngineInjector.create(m);
    ConfigStore store = injector.getInstance(ConfigStore.class);
    store.addValidator(CATALOG.validator(store.effective()));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> store.update("filter_policy", "ribbon"));
    assertEquals(
        "invalid config filter_policy=\"ribbon\": not installed: it comes with the Maven artifact"
            + " io.kiwidb:kiwi-sstable-ribbon (module io.kiwidb.sstable.ribbon); add that to the"
            + " module or class path (installed: [bloom, none])",
        e.getMessage());
    InvalidConfigException custom =
        assertThrows(InvalidConfigException.class, () -> store.update("filter_policy", "xor"));
    assertEquals(
        "invalid config filter_policy=\"xor\": unknown implementation; installed: [bloom, none]",
        custom.getMessage());
    assertEquals("bloom", store.current().filterPolicy());
    assertFalse(store.update("filter_policy", "none").appliedLive());
  }

  @Test
  void testsCanAddProvidersThroughModulesOverride() {
    TestProviders.FakeMemTables extra = new TestProviders.FakeMemTables("hash");
    EnvironmentModule m = module("/db", Map.of("memtable_impl", "hash"), CATALOG);
    Injector injector =
        EngineInjector.create(
            Modules.override(m)
                .with(
                    binder ->
                        MapBinder.newMapBinder(binder, String.class, MemTableFactory.class)
                            .addBinding("hash")
                            .toInstance(extra)));
    assertSame(extra, injector.getInstance(MemTableFactory.class));
  }

  @Test
  void eachEngineGetsItsOwnInjectorAndChoice() {
    Injector a = EngineInjector.create(module("/a", Map.of("memtable_impl", "skiplist"), CATALOG));
    Injector b = EngineInjector.create(module("/b", Map.of("memtable_impl", "redblack"), CATALOG));
    assertEquals("skiplist", a.getInstance(MemTableFactory.class).name());
    assertEquals("redblack", b.getInstance(MemTableFactory.class).name());
    assertEquals(Path.of("/b"), b.getInstance(DataDirectory.class).root());
  }

  @Test
  void installedCatalogMatchesNamedProviders() {
    SpiCatalog installed = SpiCatalog.installed();
    assertEquals(
        io.kiwidb.api.spi.NamedProviders.all(MemTableFactory.class).keySet(),
        installed.memTables().keySet());
  }
}
