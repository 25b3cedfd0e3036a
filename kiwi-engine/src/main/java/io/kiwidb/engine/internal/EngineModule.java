package io.kiwidb.engine.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProvider;
import io.kiwidb.engine.DataDirectory;
import io.kiwidb.engine.config.ConfigKeys;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.engine.logging.EngineLogging;
import java.util.Map;
import java.util.Objects;

/**
 * The Guice bindings every engine starts from: its data directory, file system, config store and
 * logging, and for each SPI a {@code MapBinder<String, T>} of the installed implementations plus
 * the one the config names.
 *
 * <p>Bindings:
 *
 * <ul>
 *   <li>{@link DataDirectory}, {@link FileSystem}, {@link ConfigStore}, {@link EngineLogging}: the
 *       instances given.
 *   <li>{@link EngineConfig}: unscoped, the store's effective snapshot at each injection (live keys
 *       as last updated, reopen-only keys as at open); components that follow live changes register
 *       a {@link io.kiwidb.engine.config.ConfigListener}.
 *   <li>{@code Map<String, MemTableFactory>} (and the same for {@link FilterPolicy}, {@link
 *       CompactionStrategy}, {@link Compressor}): every implementation, by name.
 *   <li>{@link MemTableFactory}, {@link FilterPolicy}, {@link CompactionStrategy}, {@link
 *       Compressor}: singletons, the implementation the config names when the injector is built; an
 *       unknown name fails injector creation with {@link io.kiwidb.api.InvalidConfigException}
 *       listing the known names (see {@link EngineInjector}).
 *   <li>{@link CompactionOptions}: unscoped, from the effective config.
 * </ul>
 *
 * <p>The storage core (WAL, memtables, tables, compaction, flush pipeline) adds its own module next
 * to this one in {@link EngineInjector#create}.
 */
public final class EngineModule extends AbstractModule {
  private final DataDirectory dir;
  private final ConfigStore config;
  private final EngineLogging logging;
  private final SpiCatalog catalog;

  /**
   * @param dir the opened, locked data directory
   * @param config the loaded config
   * @param logging the engine's started logging
   * @param catalog the implementations to choose from; {@link SpiCatalog#installed()} in production
   */
  public EngineModule(
      DataDirectory dir, ConfigStore config, EngineLogging logging, SpiCatalog catalog) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.config = Objects.requireNonNull(config, "config");
    this.logging = Objects.requireNonNull(logging, "logging");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  protected void configure() {
    bind(DataDirectory.class).toInstance(dir);
    bind(FileSystem.class).toInstance(dir.fileSystem());
    bind(ConfigStore.class).toInstance(config);
    bind(EngineLogging.class).toInstance(logging);
    bindAll(MemTableFactory.class, catalog.memTables());
    bindAll(FilterPolicy.class, catalog.filters());
    bindAll(CompactionStrategy.class, catalog.compactionStrategies());
    bindAll(Compressor.class, catalog.compressors());
  }

  private <T extends NamedProvider> void bindAll(Class<T> type, Map<String, T> byName) {
    MapBinder<String, T> map = MapBinder.newMapBinder(binder(), String.class, type);
    byName.forEach((name, impl) -> map.addBinding(name).toInstance(impl));
  }

  @Provides
  EngineConfig engineConfig(ConfigStore store) {
    return store.effective();
  }

  @Provides
  CompactionOptions compactionOptions(ConfigStore store) {
    return store.effective().compactionOptions();
  }

  @Provides
  @Singleton
  MemTableFactory memTableFactory(Map<String, MemTableFactory> known, ConfigStore store) {
    return SpiCatalog.select(
        known, ConfigKeys.MEMTABLE_IMPL.name(), store.effective().memtableImpl());
  }

  @Provides
  @Singleton
  FilterPolicy filterPolicy(Map<String, FilterPolicy> known, ConfigStore store) {
    return SpiCatalog.select(
        known, ConfigKeys.FILTER_POLICY.name(), store.effective().filterPolicy());
  }

  @Provides
  @Singleton
  CompactionStrategy compactionStrategy(Map<String, CompactionStrategy> known, ConfigStore store) {
    return SpiCatalog.select(
        known, ConfigKeys.COMPACTION_STRATEGY.name(), store.effective().compactionStrategy());
  }

  @Provides
  @Singleton
  Compressor compressor(Map<String, Compressor> known, ConfigStore store) {
    return SpiCatalog.select(known, ConfigKeys.COMPRESSION.name(), store.effective().compression());
  }
}
