package io.kiwidb.engine;

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
import io.kiwidb.engine.config.ConfigKeys;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.engine.config.EngineConfig;
import io.kiwidb.engine.internal.SpiCatalog;
import io.kiwidb.engine.logging.EngineLogging;
import io.kiwidb.sstable.TableCodecs;
import java.util.Map;
import java.util.Objects;

/**
 * The bindings an engine opens its storage with: its data directory, file system, config and
 * logging; for each SPI a {@code MapBinder<String, T>} of the implementations installed and the one
 * the config names; and the open sequence itself.
 *
 * <p>Bindings:
 *
 * <ul>
 *   <li>{@link DataDirectory}, {@link FileSystem}, {@link ConfigStore}, {@link EngineLogging}: the
 *       instances given.
 *   <li>{@link EngineConfig}: unscoped, the store's effective snapshot at each injection (live keys
 *       as last updated, reopen-only keys as at open); {@link CompactionOptions} likewise.
 *   <li>{@code Map<String, MemTableFactory>} (and the same for {@link FilterPolicy}, {@link
 *       CompactionStrategy}, {@link Compressor}): every implementation by name: ServiceLoader's,
 *       plus any an application's own module adds to the map binder.
 *   <li>{@link MemTableFactory}, {@link FilterPolicy}, {@link CompactionStrategy}, {@link
 *       Compressor}: singletons, the implementation the config names; an unknown name fails
 *       injector creation (Stage.PRODUCTION) with an {@link io.kiwidb.api.InvalidConfigException}
 *       listing the installed ones and, for a stock one, the artifact that brings it.
 *   <li>{@link TableCodecs}: every filter policy and compressor, for reading tables.
 *   <li>{@link StorageFactories}: {@link StorageFactories#STANDARD}; {@link StorageOpener}.
 * </ul>
 *
 * <p>{@link StorageModule}, in a child injector, binds the opened storage and the engine's
 * collaborators.
 */
final class EnvironmentModule extends AbstractModule {
  private final DataDirectory dir;
  private final ConfigStore config;
  private final EngineLogging logging;
  private final SpiCatalog catalog;

  /**
   * @param dir the opened, locked data directory
   * @param config the loaded config
   * @param logging the engine's started logging
   * @param catalog the implementations found on the module or class path
   */
  EnvironmentModule(
      DataDirectory dir, ConfigStore config, EngineLogging logging, SpiCatalog catalog) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.config = Objects.requireNonNull(config, "config");
    this.logging = Objects.requireNonNull(logging, "logging");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  @Override
  protected void configure() {
    binder().requireExplicitBindings();
    // A dependency cycle is a design error here, not something to paper over with a proxy.
    binder().disableCircularProxies();
    bind(DataDirectory.class).toInstance(dir);
    bind(WriteAccess.class)
        .toInstance(
            dir.isReadOnly()
                ? WriteAccess.readOnly(dir.root())
                : WriteAccess.readWrite(dir.root()));
    bind(FileSystem.class).toInstance(dir.fileSystem());
    bind(ConfigStore.class).toInstance(config);
    bind(EngineLogging.class).toInstance(logging);
    bindAll(MemTableFactory.class, catalog.memTables());
    bindAll(FilterPolicy.class, catalog.filters());
    bindAll(CompactionStrategy.class, catalog.compactionStrategies());
    bindAll(Compressor.class, catalog.compressors());
    bind(StorageFactories.class).toInstance(StorageFactories.STANDARD);
    bind(StorageOpener.class);
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
  SpiCatalog catalog(
      Map<String, MemTableFactory> memTables,
      Map<String, FilterPolicy> filters,
      Map<String, CompactionStrategy> strategies,
      Map<String, Compressor> compressors) {
    return new SpiCatalog(memTables, filters, strategies, compressors);
  }

  @Provides
  @Singleton
  MemTableFactory memTableFactory(SpiCatalog known, ConfigStore store) {
    return SpiCatalog.select(
        known.memTables(), ConfigKeys.MEMTABLE_IMPL.name(), store.effective().memtableImpl());
  }

  @Provides
  @Singleton
  FilterPolicy filterPolicy(SpiCatalog known, ConfigStore store) {
    return SpiCatalog.select(
        known.filters(), ConfigKeys.FILTER_POLICY.name(), store.effective().filterPolicy());
  }

  @Provides
  @Singleton
  CompactionStrategy compactionStrategy(SpiCatalog known, ConfigStore store) {
    return SpiCatalog.select(
        known.compactionStrategies(),
        ConfigKeys.COMPACTION_STRATEGY.name(),
        store.effective().compactionStrategy());
  }

  @Provides
  @Singleton
  Compressor compressor(SpiCatalog known, ConfigStore store) {
    return SpiCatalog.select(
        known.compressors(), ConfigKeys.COMPRESSION.name(), store.effective().compression());
  }

  @Provides
  @Singleton
  TableCodecs codecs(SpiCatalog known) {
    return TableCodecs.of(known.filters().values(), known.compressors().values());
  }
}
