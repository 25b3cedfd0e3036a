package io.kiwidb.kafka.streams;

import java.util.Map;
import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * The timestamped variant: values are Kafka Streams' timestamped format (an 8-byte timestamp, then
 * the value bytes), which the store keeps as they are. Being a {@link TimestampedBytesStore} tells
 * Kafka Streams that no adapter is needed, and that changelog records must be converted to that
 * format (record timestamp in front of the value) before they are restored.
 *
 * <p>Thread safety: as {@link KiwiKeyValueStore}.
 */
final class KiwiTimestampedKeyValueStore extends KiwiKeyValueStore
    implements TimestampedBytesStore {
  KiwiTimestampedKeyValueStore(String name, Map<String, Object> storeConfig) {
    super(name, storeConfig);
  }

  @Override
  String format() {
    return "kiwi-tskv/1";
  }
}
