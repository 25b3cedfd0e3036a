package io.kiwidb.engine.internal;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProvider;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.engine.config.ConfigKeys;
import io.kiwidb.engine.config.ConfigValidator;
import io.kiwidb.engine.config.EngineConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * The implementations of each SPI available to an engine, by name. Production uses {@link
 * #installed()} (ServiceLoader, through {@link NamedProviders}, which declares the {@code uses});
 * tests pass their own maps.
 *
 * <p>Thread safety: immutable (the maps are copied).
 *
 * @param memTables {@link MemTableFactory} by name ({@code memtable_impl})
 * @param filters {@link FilterPolicy} by name ({@code filter_policy})
 * @param compactionStrategies {@link CompactionStrategy} by name ({@code compaction_strategy})
 * @param compressors {@link Compressor} by name ({@code compression})
 */
public record SpiCatalog(
    Map<String, MemTableFactory> memTables,
    Map<String, FilterPolicy> filters,
    Map<String, CompactionStrategy> compactionStrategies,
    Map<String, Compressor> compressors) {

  /** Copies the maps (sorted by name, so error messages list names in order). */
  public SpiCatalog {
    memTables = Map.copyOf(memTables);
    filters = Map.copyOf(filters);
    compactionStrategies = Map.copyOf(compactionStrategies);
    compressors = Map.copyOf(compressors);
  }

  /** Every provider on the module or class path. */
  public static SpiCatalog installed() {
    return new SpiCatalog(
        NamedProviders.all(MemTableFactory.class),
        NamedProviders.all(FilterPolicy.class),
        NamedProviders.all(CompactionStrategy.class),
        NamedProviders.all(Compressor.class));
  }

  /**
   * Checks that every implementation {@code config} names is installed.
   *
   * @throws InvalidConfigException for the first that is not; the message lists the known names
   */
  public void check(EngineConfig config) {
    select(memTables, ConfigKeys.MEMTABLE_IMPL.name(), config.memtableImpl());
    select(filters, ConfigKeys.FILTER_POLICY.name(), config.filterPolicy());
    select(
        compactionStrategies, ConfigKeys.COMPACTION_STRATEGY.name(), config.compactionStrategy());
    select(compressors, ConfigKeys.COMPRESSION.name(), config.compression());
  }

  /**
   * A validator for {@link io.kiwidb.engine.config.ConfigStore#addValidator}: refuses an update
   * naming an implementation that is not installed (it would only fail at the next open).
   */
  public ConfigValidator validator() {
    return (key, candidate) -> check(candidate);
  }

  static <T extends NamedProvider> T select(Map<String, T> known, String key, String name) {
    return NamedProviders.select(new TreeMap<>(known), key, name);
  }
}
