/**
 * Kafka Streams benchmark: the same count-by-key topology on kiwi stores and on Kafka's RocksDB
 * stores against a real local broker; records per second, changelog restore time into an empty
 * store, heap and RSS, each run in a fresh JVM ({@link io.kiwidb.bench.kafka.KafkaStreamsBench}).
 */
package io.kiwidb.bench.kafka;
