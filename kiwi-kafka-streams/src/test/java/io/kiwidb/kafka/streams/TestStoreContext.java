package io.kiwidb.kafka.streams;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A {@link StateStoreContext} for driving a store directly, as Kafka Streams' state manager would:
 * it hands out a task directory and app configs, records the restore callback the store registers,
 * and lets a test say which input record is being processed.
 */
final class TestStoreContext implements StateStoreContext {
  final Path taskDir;
  final TaskId taskId;
  final Map<String, Object> configs = new HashMap<>();
  StateRestoreCallback restoreCallback;
  StateStore registered;
  private RecordMetadata record;

  TestStoreContext(Path taskDir, int partition) {
    this.taskDir = taskDir;
    this.taskId = new TaskId(0, partition);
  }

  TestStoreContext with(String key, Object value) {
    configs.put(key, value);
    return this;
  }

  /** Marks the record being processed (its topic, partition and offset reach the position). */
  void processing(String topic, int partition, long offset) {
    record =
        new RecordMetadata() {
          @Override
          public String topic() {
            return topic;
          }

          @Override
          public int partition() {
            return partition;
          }

          @Override
          public long offset() {
            return offset;
          }
        };
  }

  void notProcessing() {
    record = null;
  }

  @Override
  public String applicationId() {
    return "app";
  }

  @Override
  public TaskId taskId() {
    return taskId;
  }

  @Override
  public Optional<RecordMetadata> recordMetadata() {
    return Optional.ofNullable(record);
  }

  @Override
  public Serde<?> keySerde() {
    return null;
  }

  @Override
  public Serde<?> valueSerde() {
    return null;
  }

  @Override
  public File stateDir() {
    return taskDir.toFile();
  }

  @Override
  public StreamsMetrics metrics() {
    throw new UnsupportedOperationException("no metrics in store unit tests");
  }

  @Override
  public void register(StateStore store, StateRestoreCallback callback) {
    registered = store;
    restoreCallback = callback;
  }

  @Override
  public void register(StateStore store, StateRestoreCallback callback, CommitCallback commit) {
    register(store, callback);
  }

  @Override
  public Map<String, Object> appConfigs() {
    return new HashMap<>(configs);
  }

  @Override
  public Map<String, Object> appConfigsWithPrefix(String prefix) {
    Map<String, Object> out = new HashMap<>();
    configs.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }
}
