/**
 * kiwi-db as a Kafka Streams key-value state store: {@link io.kiwidb.kafka.streams.KiwiStores}
 * returns store suppliers for {@code Materialized.as(...)} and {@code
 * Stores.keyValueStoreBuilder(...)}. Only that factory package is exported; the store itself is
 * package-private. The engine is found at run time through {@link java.util.ServiceLoader} (add
 * {@code io.kiwidb:kiwi-engine}).
 */
module io.kiwidb.kafka.streams {
  requires io.kiwidb.api;
  // Automatic modules named after their jar files (Kafka's jars declare no module name).
  requires transitive kafka.streams;
  requires kafka.clients;
  requires org.slf4j;

  exports io.kiwidb.kafka.streams;
}
