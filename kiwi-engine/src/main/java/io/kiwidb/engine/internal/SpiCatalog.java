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
import java.util.Set;
import java.util.TreeSet;

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
  private static final long MIB = 1L << 20;

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
   * Checks that every implementation {@code config} names is installed, and that the memtable it
   * names can hold {@code max_memtable_size_mb} ({@link MemTableFactory#maxMemTableSizeBytes()}).
   *
   * @throws InvalidConfigException for the first that is not; the message lists the known names, or
   *     says how large a memtable the implementation can hold and which ones can hold more
   */
  public void check(EngineConfig config) {
    MemTableFactory memTable =
        select(memTables, ConfigKeys.MEMTABLE_IMPL.name(), config.memtableImpl());
    select(filters, ConfigKeys.FILTER_POLICY.name(), config.filterPolicy());
    select(
        compactionStrategies, ConfigKeys.COMPACTION_STRATEGY.name(), config.compactionStrategy());
    select(compressors, ConfigKeys.COMPRESSION.name(), config.compression());
    checkMemTableSize(memTable, config, false);
  }

  /**
   * A validator for {@link io.kiwidb.engine.config.ConfigStore#addValidator}: refuses an update
   * that {@link #check} refuses (it would only fail at the next open), and a {@code
   * max_memtable_size_mb} too large for the memtable implementation in use. That one is {@code
   * opened}'s, which may differ from the candidate's: {@code memtable_impl} applies on reopen,
   * {@code max_memtable_size_mb} at once.
   *
   * @param opened the config the engine opened with (its effective config)
   */
  public ConfigValidator validator(EngineConfig opened) {
    MemTableFactory inUse =
        select(memTables, ConfigKeys.MEMTABLE_IMPL.name(), opened.memtableImpl());
    return (key, candidate) -> {
      check(candidate);
      checkMemTableSize(inUse, candidate, !inUse.name().equals(candidate.memtableImpl()));
    };
  }

  private void checkMemTableSize(
      MemTableFactory memTable, EngineConfig config, boolean untilReopen) {
    long limit = memTable.maxMemTableSizeBytes();
    long wanted = config.maxMemtableSizeBytes();
    if (wanted <= limit) {
      return;
    }
    Set<String> roomier = new TreeSet<>();
    memTables.forEach(
        (name, other) -> {
          if (other.maxMemTableSizeBytes() >= wanted) {
            roomier.add(name);
          }
        });
    String key = ConfigKeys.MEMTABLE_IMPL.name();
    throw new InvalidConfigException(
        ConfigKeys.MAX_MEMTABLE_SIZE_MB.name(),
        config.maxMemtableSizeMb(),
        "more than "
            + key
            + " \""
            + memTable.name()
            + "\""
            + (untilReopen ? " (in use until the next open)" : "")
            + " can hold ("
            + mib(limit)
            + " MiB); lower it to "
            + mib(limit)
            + " or less"
            + (roomier.isEmpty()
                ? ""
                : ", or choose a " + key + " without this limit: " + roomier));
  }

  /** Bytes as MiB, without a fraction when there is none. */
  private static String mib(long bytes) {
    return bytes % MIB == 0 ? Long.toString(bytes / MIB) : Double.toString((double) bytes / MIB);
  }

  /**
   * Picks implementation {@code name} for config key {@code key}.
   *
   * @throws InvalidConfigException if none is installed under that name; the message lists the
   *     installed ones and, for a stock implementation, the artifact that brings it
   */
  public static <T extends NamedProvider> T select(Map<String, T> known, String key, String name) {
    T found = known.get(name);
    if (found != null) {
      return found;
    }
    String installed = new TreeSet<>(known.keySet()).toString();
    throw new InvalidConfigException(
        key,
        name,
        StockImplementations.artifactOf(key, name)
            .map(
                a ->
                    "not installed: it comes with "
                        + a
                        + "; add that to the module or class path (installed: "
                        + installed
                        + ")")
            .orElse("unknown implementation; installed: " + installed));
  }
}
