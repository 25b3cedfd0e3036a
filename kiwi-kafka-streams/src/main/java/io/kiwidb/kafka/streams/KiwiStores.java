package io.kiwidb.kafka.streams;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * Factory of kiwi-db state stores for Kafka Streams, used where Kafka's {@code Stores} would be:
 *
 * <pre>{@code
 * // DSL
 * builder.stream("words")
 *     .groupBy((k, word) -> word)
 *     .count(Materialized.as(KiwiStores.persistentTimestampedKeyValueStore("counts")));
 *
 * // Processor API
 * builder.addStateStore(Stores.keyValueStoreBuilder(
 *     KiwiStores.persistentKeyValueStore("seen"), Serdes.String(), Serdes.Long()));
 * }</pre>
 *
 * <p>Each task gets its own kiwi-db engine in {@code <state.dir>/<application.id>/<task
 * id>/kiwi/<store name>}. Engine config comes from {@code StreamsConfig} properties prefixed with
 * {@code kiwi.} (for every store) and from the map given here (for one store, winning over the
 * former); see {@code docs/kafka-streams.md}. A bad key or value fails the store's initialisation
 * with a {@link org.apache.kafka.common.config.ConfigException} naming the property.
 *
 * <p>Thread safety: the methods are static and the suppliers immutable.
 */
public final class KiwiStores {
  /** The prefix of kiwi-db engine keys in {@code StreamsConfig}: {@code kiwi.block_size=8192}. */
  public static final String CONFIG_PREFIX = KiwiStoreConfig.PREFIX;

  // Store names become directory names and part of changelog topic names.
  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]+");

  private KiwiStores() {}

  /**
   * A persistent key-value store on kiwi-db, with the engine config from {@code StreamsConfig}.
   *
   * @param name the store name (letters, digits, '.', '_', '-')
   * @throws IllegalArgumentException if the name is empty, too long or has another character
   */
  public static KeyValueBytesStoreSupplier persistentKeyValueStore(String name) {
    return persistentKeyValueStore(name, Map.of());
  }

  /**
   * A persistent key-value store on kiwi-db with engine config for this store alone.
   *
   * @param name the store name (letters, digits, '.', '_', '-')
   * @param kiwiConfig kiwi-db config keys (snake_case, no {@code kiwi.} prefix) to numbers,
   *     booleans or strings, e.g. {@code Map.of("max_memtable_size_mb", 16)}
   * @throws IllegalArgumentException if the name is illegal
   * @throws org.apache.kafka.common.config.ConfigException if a key is blank or prefixed, or a
   *     value is of another type
   */
  public static KeyValueBytesStoreSupplier persistentKeyValueStore(
      String name, Map<String, ?> kiwiConfig) {
    checkName(name);
    return new KiwiKeyValueBytesStoreSupplier(
        name, false, KiwiStoreConfig.checkStoreConfig(name, kiwiConfig));
  }

  /**
   * A persistent timestamped key-value store on kiwi-db (what the DSL's {@code KTable}s and
   * aggregations use), with the engine config from {@code StreamsConfig}.
   *
   * @throws IllegalArgumentException if the name is illegal
   */
  public static KeyValueBytesStoreSupplier persistentTimestampedKeyValueStore(String name) {
    return persistentTimestampedKeyValueStore(name, Map.of());
  }

  /**
   * A persistent timestamped key-value store on kiwi-db with engine config for this store alone.
   *
   * @see #persistentKeyValueStore(String, Map)
   */
  public static KeyValueBytesStoreSupplier persistentTimestampedKeyValueStore(
      String name, Map<String, ?> kiwiConfig) {
    checkName(name);
    return new KiwiKeyValueBytesStoreSupplier(
        name, true, KiwiStoreConfig.checkStoreConfig(name, kiwiConfig));
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "store name cannot be null");
    if (name.isEmpty() || name.length() > 249 || !LEGAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "store name '"
              + name
              + "' is illegal: use 1 to 249 letters, digits, '.', '_' or '-' (it names a"
              + " directory and the store's changelog topic)");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("store name '" + name + "' is illegal");
    }
  }
}
