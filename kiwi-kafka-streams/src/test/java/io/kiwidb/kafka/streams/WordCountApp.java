package io.kiwidb.kafka.streams;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;

/**
 * The word-count program the broker tests start as a real process, on the module path ({@code java
 * -m io.kiwidb.kafka.streams/io.kiwidb.kafka.streams.WordCountApp}): text lines from topic {@code
 * text}, counts per word in a {@code counts} store (kiwi or RocksDB) and on topic {@code counts},
 * exactly-once.
 *
 * <p>It reports on standard output: {@code RUNNING}, {@code RESTORED <records>} (changelog records
 * restored since start, once running), and answers commands on standard input: {@code query <word>}
 * (IQv2 key query: {@code COUNT <word> <n|null>}), {@code all} (IQv2 range query: {@code ALL
 * {word=n, ...}}), and {@code close} (a clean close, then exit). The tests kill it with SIGKILL to
 * stop it without a close.
 *
 * <p>Usage: {@code WordCountApp <bootstrap> <application.id> <state.dir> kiwi|rocksdb}.
 */
public final class WordCountApp {
  private WordCountApp() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String appId = args[1];
    String stateDir = args[2];
    KeyValueBytesStoreSupplier supplier =
        switch (args[3]) {
          case "kiwi" -> KiwiStores.persistentTimestampedKeyValueStore("counts");
          case "rocksdb" -> Stores.persistentTimestampedKeyValueStore("counts");
          default -> throw new IllegalArgumentException("store type: kiwi or rocksdb");
        };

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("text", Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .filter((k, word) -> !word.isEmpty())
        .groupBy((k, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(
            Materialized.<String, Long>as(supplier)
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long()))
        .toStream()
        .to("counts", Produced.with(Serdes.String(), Serdes.Long()));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Under exactly-once, Kafka Streams commits state stores at every commit only when they are
    // transactional; otherwise only at close, and a crash then wipes them. The kiwi store keeps
    // uncommitted writes apart until its commit, which is what this setting asks for.
    props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // The broker's minimum: after a kill, the next instance waits this long for the dead member.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);

    AtomicLong restored = new AtomicLong();
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    streams.setGlobalStateRestoreListener(
        new StateRestoreListener() {
          @Override
          public void onRestoreStart(TopicPartition tp, String store, long start, long end) {}

          @Override
          public void onBatchRestored(TopicPartition tp, String store, long end, long count) {
            restored.addAndGet(count);
          }

          @Override
          public void onRestoreEnd(TopicPartition tp, String store, long total) {}
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            say("RESTORED " + restored.get());
            say("RUNNING");
          } else if (now == KafkaStreams.State.ERROR) {
            say("ERROR");
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          e.printStackTrace();
          say("FAILED " + e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();

    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] cmd = line.trim().split(" ");
      switch (cmd[0]) {
        case "query" -> say("COUNT " + cmd[1] + " " + query(streams, cmd[1]));
        case "all" -> say("ALL " + all(streams));
        case "close" -> {
          streams.close(Duration.ofSeconds(30));
          say("CLOSED");
          return;
        }
        default -> say("UNKNOWN " + line);
      }
    }
    streams.close(Duration.ofSeconds(30));
  }

  private static Long query(KafkaStreams streams, String word) {
    StateQueryResult<Long> result =
        streams.query(
            StateQueryRequest.inStore("counts").withQuery(KeyQuery.<String, Long>withKey(word)));
    Long found = null;
    for (QueryResult<Long> r : result.getPartitionResults().values()) {
      if (r.isFailure()) {
        throw new IllegalStateException("query failed: " + r.getFailureMessage());
      }
      if (r.getResult() != null) {
        found = r.getResult();
      }
    }
    return found;
  }

  private static Map<String, Long> all(KafkaStreams streams) {
    StateQueryResult<KeyValueIterator<String, Long>> result =
        streams.query(
            StateQueryRequest.inStore("counts").withQuery(RangeQuery.<String, Long>withNoBounds()));
    Map<String, Long> out = new TreeMap<>();
    for (QueryResult<KeyValueIterator<String, Long>> r : result.getPartitionResults().values()) {
      if (r.isFailure()) {
        throw new IllegalStateException("query failed: " + r.getFailureMessage());
      }
      try (KeyValueIterator<String, Long> it = r.getResult()) {
        it.forEachRemaining(kv -> out.put(kv.key, kv.value));
      }
    }
    return out;
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
