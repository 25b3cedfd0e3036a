package io.kiwidb.kafka.streams;

import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Supplies one new kiwi store per call of {@link #get()}: Kafka Streams calls it once per task, so
 * every task gets its own engine in its own task directory.
 *
 * <p>Thread safety: immutable.
 */
final class KiwiKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {
  private final String name;
  private final boolean timestamped;
  private final Map<String, Object> config;

  KiwiKeyValueBytesStoreSupplier(String name, boolean timestamped, Map<String, Object> config) {
    this.name = name;
    this.timestamped = timestamped;
    this.config = Map.copyOf(config);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public KeyValueStore<Bytes, byte[]> get() {
    return timestamped
        ? new KiwiTimestampedKeyValueStore(name, config)
        : new KiwiKeyValueStore(name, config);
  }

  /** The metrics scope of the stores, as {@code rocksdb} is for Kafka's own. */
  @Override
  public String metricsScope() {
    return "kiwi";
  }

  @Override
  public String toString() {
    return "KiwiKeyValueBytesStoreSupplier[" + name + (timestamped ? ", timestamped" : "") + "]";
  }
}
