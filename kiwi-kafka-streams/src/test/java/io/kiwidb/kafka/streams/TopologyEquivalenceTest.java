package io.kiwidb.kafka.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * DSL topologies on kiwi stores ({@code Materialized.as(KiwiStores...)}) against the same
 * topologies on Kafka's RocksDB stores, under {@link TopologyTestDriver}: the output records (keys,
 * values and timestamps, in order) and the interactive-query answers must be identical.
 */
@ExtendWith(SeededRandomExtension.class)
class TopologyEquivalenceTest {
  @TempDir Path tmp;

  /** The store suppliers of one run: kiwi's or Kafka's RocksDB. */
  interface Suppliers {
    KeyValueBytesStoreSupplier timestamped(String name);
  }

  static final Suppliers KIWI = KiwiStores::persistentTimestampedKeyValueStore;
  static final Suppliers ROCKS = Stores::persistentTimestampedKeyValueStore;

  static Topology wordCount(Suppliers stores) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("text", Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> Arrays.asList(line.toLowerCase(Locale.ROOT).split("\\W+")))
        .filter((k, word) -> !word.isEmpty())
        .groupBy((k, word) -> word)
        .count(
            Materialized.<String, Long>as(stores.timestamped("counts"))
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long()))
        .toStream()
        .to("counts-out", Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  /** A stream-table join, a table-table join and an aggregation over its result. */
  static Topology joins(Suppliers stores) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, String> customers =
        builder.table(
            "customers",
            Consumed.with(Serdes.String(), Serdes.String()),
            Materialized.as(stores.timestamped("customers")));
    KTable<String, String> regions =
        builder.table(
            "regions",
            Consumed.with(Serdes.String(), Serdes.String()),
            Materialized.as(stores.timestamped("regions")));
    builder.stream("orders", Consumed.with(Serdes.String(), Serdes.String()))
        .join(customers, (amount, name) -> name + ":" + amount)
        .to("enriched", Produced.with(Serdes.String(), Serdes.String()));
    customers
        .join(
            regions,
            (name, region) -> name + "@" + region,
            Materialized.as(stores.timestamped("customer-regions")))
        .toStream()
        .to("customer-regions-out", Produced.with(Serdes.String(), Serdes.String()));
    builder.stream("orders", Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .aggregate(
            () -> 0L,
            (customer, amount, sum) -> sum + Long.parseLong(amount),
            Materialized.<String, Long>as(stores.timestamped("spend"))
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long()))
        .toStream()
        .to("spend-out", Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  Properties props(String name) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eq-" + name);
    props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(name).toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    // TopologyTestDriver commits after every input record; an fsync per commit would make these
    // equivalence tests slow without testing anything about durability (the broker tests keep the
    // default, always).
    props.put("kiwi.wal_sync_mode", "none");
    return props;
  }

  static List<String> lines(SeededRandom random, int count) {
    String[] words = {"kiwi", "kafka", "stream", "store", "lsm", "rocks", "table", "join", "Kiwi"};
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder line = new StringBuilder(random.nextInt(8) == 0 ? " , " : "");
      for (int w = random.nextInt(6); w >= 0; w--) {
        line.append(words[random.nextInt(words.length)]).append(random.nextBoolean() ? " " : "!  ");
      }
      out.add(line.toString());
    }
    return out;
  }

  record WordCountRun(List<String> output, List<Object> queries) {}

  WordCountRun runWordCount(String name, Suppliers stores, List<String> lines) {
    try (TopologyTestDriver driver = new TopologyTestDriver(wordCount(stores), props(name))) {
      TestInputTopic<String, String> in =
          driver.createInputTopic(
              "text",
              new StringSerializer(),
              new StringSerializer(),
              Instant.ofEpochMilli(1_000),
              Duration.ofMillis(7));
      for (String line : lines) {
        in.pipeInput(null, line);
      }
      driver.advanceWallClockTime(Duration.ofMinutes(1));
      TestOutputTopic<String, Long> out =
          driver.createOutputTopic("counts-out", new StringDeserializer(), new LongDeserializer());
      List<String> output = render(out);
      return new WordCountRun(output, queries(driver.getAllStateStores().get("counts")));
    }
  }

  /** IQv2 key and range queries through the metered store, as KafkaStreams.query runs them. */
  static List<Object> queries(StateStore store) {
    List<Object> answers = new ArrayList<>();
    QueryConfig config = new QueryConfig(false);
    for (String key : List.of("kiwi", "kafka", "absent")) {
      QueryResult<ValueAndTimestamp<Long>> r =
          store.query(KeyQuery.withKey(key), PositionBound.unbounded(), config);
      answers.add(
          key + " -> " + (r.isSuccess() ? String.valueOf(r.getResult()) : r.getFailureReason()));
    }
    List<RangeQuery<String, ValueAndTimestamp<Long>>> ranges =
        List.of(
            RangeQuery.withRange("j", "r"),
            RangeQuery.<String, ValueAndTimestamp<Long>>withNoBounds().withDescendingKeys(),
            RangeQuery.withLowerBound("s"),
            RangeQuery.withUpperBound("kiwi"));
    for (RangeQuery<String, ValueAndTimestamp<Long>> q : ranges) {
      QueryResult<KeyValueIterator<String, ValueAndTimestamp<Long>>> r =
          store.query(q, PositionBound.unbounded(), config);
      assertTrue(r.isSuccess(), () -> "range query failed: " + r.getFailureMessage());
      List<String> rows = new ArrayList<>();
      try (KeyValueIterator<String, ValueAndTimestamp<Long>> it = r.getResult()) {
        it.forEachRemaining(kv -> rows.add(kv.key + "=" + kv.value));
      }
      answers.add(rows);
    }
    return answers;
  }

  @Test
  void wordCountMatchesRocksDb(SeededRandom random) {
    List<String> lines = lines(random, 1000);
    WordCountRun kiwi = runWordCount("kiwi", KIWI, lines);
    WordCountRun rocks = runWordCount("rocks", ROCKS, lines);
    assertFalse(kiwi.output().isEmpty());
    assertEquals(rocks.output(), kiwi.output());
    assertEquals(rocks.queries(), kiwi.queries());
    assertTrue(
        kiwi.queries().get(0).toString().matches("kiwi -> [0-9]+"), kiwi.queries().toString());
  }

  record JoinRun(List<List<String>> outputs) {}

  /** Key, value and timestamp of every record, in order. */
  static List<String> render(TestOutputTopic<String, ?> topic) {
    List<String> out = new ArrayList<>();
    for (var r : topic.readRecordsToList()) {
      out.add(r.key() + "|" + r.value() + "|" + r.timestamp());
    }
    return out;
  }

  JoinRun runJoins(String name, Suppliers stores, SeededRandom random) {
    try (TopologyTestDriver driver = new TopologyTestDriver(joins(stores), props(name))) {
      var customers =
          driver.createInputTopic("customers", new StringSerializer(), new StringSerializer());
      var regions =
          driver.createInputTopic("regions", new StringSerializer(), new StringSerializer());
      var orders =
          driver.createInputTopic("orders", new StringSerializer(), new StringSerializer());
      Function<SeededRandom, String> customer = r -> "c" + r.nextInt(30);
      long time = 10_000;
      for (int i = 0; i < 3000; i++) {
        time += random.nextInt(5);
        int op = random.nextInt(10);
        if (op < 2) {
          customers.pipeInput(
              customer.apply(random),
              random.nextInt(10) == 0 ? null : "name" + random.nextInt(100),
              time);
        } else if (op < 3) {
          regions.pipeInput(
              customer.apply(random),
              random.nextInt(10) == 0 ? null : "region" + random.nextInt(5),
              time);
        } else {
          orders.pipeInput(customer.apply(random), String.valueOf(random.nextInt(500)), time);
        }
      }
      List<List<String>> outputs = new ArrayList<>();
      outputs.add(
          render(
              driver.createOutputTopic(
                  "enriched", new StringDeserializer(), new StringDeserializer())));
      outputs.add(
          render(
              driver.createOutputTopic(
                  "customer-regions-out", new StringDeserializer(), new StringDeserializer())));
      outputs.add(
          render(
              driver.createOutputTopic(
                  "spend-out", new StringDeserializer(), new LongDeserializer())));
      return new JoinRun(outputs);
    }
  }

  @Test
  void joinsAndAggregationMatchRocksDb(SeededRandom random) {
    long seed = random.seed();
    JoinRun kiwi = runJoins("kiwi", KIWI, new SeededRandom(seed));
    JoinRun rocks = runJoins("rocks", ROCKS, new SeededRandom(seed));
    for (int i = 0; i < 3; i++) {
      assertFalse(kiwi.outputs().get(i).isEmpty(), "output " + i + " is empty");
      assertEquals(rocks.outputs().get(i), kiwi.outputs().get(i), "output " + i);
    }
  }

  @Test
  void timestampedSupplierNeedsNoAdapterAndPlainOneWorksWithTheDsl(SeededRandom random) {
    // The timestamped kiwi store is used as it is; the plain one gets Kafka's adapter and still
    // counts the same.
    try (TopologyTestDriver driver = new TopologyTestDriver(wordCount(KIWI), props("ts"))) {
      StateStore outer = driver.getAllStateStores().get("counts");
      assertInstanceOf(TimestampedBytesStore.class, StoreKit.kiwiUnder(outer));
    }
    List<String> lines = lines(random, 300);
    WordCountRun plain = runWordCount("plain", KiwiStores::persistentKeyValueStore, lines);
    WordCountRun rocks = runWordCount("rocks-plain", ROCKS, lines);
    assertEquals(rocks.output(), plain.output());
  }

  @Test
  void badKiwiPropertyFailsTheTopologyStartNamingIt() {
    Properties props = props("bad");
    props.put("kiwi.max_memtable_size_mb", "lots");
    Exception e =
        assertThrows(Exception.class, () -> new TopologyTestDriver(wordCount(KIWI), props).close());
    Throwable cause = e;
    while (cause != null && !(cause instanceof ConfigException)) {
      cause = cause.getCause();
    }
    assertInstanceOf(ConfigException.class, cause, "cause chain: " + e);
    assertTrue(cause.getMessage().contains("'kiwi.max_memtable_size_mb'"), cause.getMessage());
    assertTrue(cause.getMessage().contains("kiwi store 'counts'"), cause.getMessage());
  }
}
