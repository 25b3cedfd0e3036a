package io.kiwidb.kafka.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Word count with kiwi stores against a real Kafka broker (KRaft, one node, loopback only, in its
 * own JVM), the program itself started as a real process on the module path ({@code java -m}).
 *
 * <p>The program processes the first half of a fixed input and is killed with SIGKILL (no close, no
 * flush, no commit); a second instance on the same state directory processes the second half after
 * restoring from its local kiwi files (only the changelog records after the last commit are
 * replayed); it is closed cleanly, its state directory deleted, and a third instance restores the
 * whole store from the changelog (that instance runs on the class path). The final counts, on the
 * output topic and through interactive queries, equal the expected ones, and equal those of the
 * same program on Kafka's RocksDB store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BrokerWordCountTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String[] WORDS = {
    "kiwi", "kafka", "stream", "store", "lsm", "tree", "log", "table", "join", "count", "restore"
  };

  private final Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private Path work;
  private ChildProcess broker;
  private String bootstrap;

  @BeforeAll
  void startBroker() throws Exception {
    work = Files.createTempDirectory("kiwi-kafka-it");
    String classpath =
        base.resolve("target/test-classes")
            + ":"
            + base.resolve("target/classes")
            + ":"
            + Files.readString(base.resolve("target/it-paths/test-classpath.txt")).trim();
    List<String> cmd = new ArrayList<>(jvmFlags());
    cmd.addAll(
        List.of(
            "-Xmx768m",
            "-cp",
            classpath,
            BrokerMain.class.getName(),
            work.resolve("broker").toString(),
            "300"));
    broker = ChildProcess.start("broker", cmd);
    bootstrap =
        broker.await(l -> l.startsWith("BOOTSTRAP "), WAIT).substring("BOOTSTRAP ".length());
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(new NewTopic("text", 2, (short) 1), new NewTopic("counts", 2, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (work != null) {
      deleteRecursively(work);
    }
  }

  private List<String> jvmFlags() {
    return List.of(
        ChildProcess.java(),
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Dguice_bytecode_gen_option=DISABLED",
        "-Dlogback.configurationFile=" + base.resolve("target/test-classes/logback-test.xml"));
  }

  /** The word-count program as a real process on the module path ({@code java -m}). */
  private ChildProcess app(String name, String appId, Path stateDir, String storeType)
      throws IOException {
    return app(name, appId, stateDir, storeType, true);
  }

  /** The word-count program on the module path, or on the class path ({@code java -cp}). */
  private ChildProcess app(
      String name, String appId, Path stateDir, String storeType, boolean modulePath)
      throws IOException {
    String libs =
        base.resolve("target/classes")
            + ":"
            + Files.readString(base.resolve("target/it-paths/runtime-module-path.txt")).trim();
    List<String> cmd = new ArrayList<>(jvmFlags());
    cmd.add("-Xmx384m");
    if (modulePath) {
      cmd.addAll(
          List.of(
              "--module-path",
              libs,
              // The program's class is a test class, added to the module it belongs to.
              "--patch-module",
              "io.kiwidb.kafka.streams=" + base.resolve("target/test-classes"),
              "-m",
              "io.kiwidb.kafka.streams/" + WordCountApp.class.getName()));
    } else {
      cmd.addAll(
          List.of(
              "-cp",
              base.resolve("target/test-classes") + ":" + libs,
              WordCountApp.class.getName()));
    }
    cmd.addAll(List.of(bootstrap, appId, stateDir.toString(), storeType));
    return ChildProcess.start(name, cmd);
  }

  /** A fixed input: the same lines on every run. */
  static List<String> lines(int from, int to) {
    List<String> out = new ArrayList<>();
    long x = 12345;
    for (int i = 0; i < to; i++) {
      StringBuilder line = new StringBuilder();
      for (int w = 0; w < 1 + i % 5; w++) {
        x = (x * 6364136223846793005L + 1442695040888963407L);
        line.append(WORDS[(int) ((x >>> 33) % WORDS.length)]).append(w % 2 == 0 ? " " : ", ");
      }
      if (i >= from) {
        out.add(line.toString());
      }
    }
    return out;
  }

  static Map<String, Long> expectedCounts(List<String> lines) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : lines) {
      for (String w : line.toLowerCase(Locale.ROOT).split("\\W+")) {
        if (!w.isEmpty()) {
          counts.merge(w, 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  private void produce(List<String> lines) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        sent.add(producer.send(new ProducerRecord<>("text", "line" + i, lines.get(i))));
      }
      producer.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Reads the committed output until the latest count of every word is the expected one. */
  private Map<String, Long> awaitOutput(Map<String, Long> expected) throws InterruptedException {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier-" + System.nanoTime());
    Map<String, Long> latest = new HashMap<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    try (KafkaConsumer<String, Long> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer())) {
      consumer.subscribe(List.of("counts"));
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(500))) {
          latest.put(r.key(), r.value());
        }
        if (new TreeMap<>(latest).equals(expected)) {
          return latest;
        }
      }
    }
    throw new AssertionError("output counts " + new TreeMap<>(latest) + ", expected " + expected);
  }

  private static Map<String, Long> parseAll(String line) {
    Map<String, Long> out = new TreeMap<>();
    String body = line.substring("ALL {".length(), line.length() - 1);
    if (!body.isEmpty()) {
      for (String kv : body.split(", ")) {
        String[] parts = kv.split("=");
        out.put(parts[0], Long.parseLong(parts[1]));
      }
    }
    return out;
  }

  private static long restored(ChildProcess app) throws InterruptedException {
    return Long.parseLong(app.await(l -> l.startsWith("RESTORED "), WAIT).substring(9));
  }

  @Test
  void killedAndWipedWordCountRestoresFromLocalFilesAndFromTheChangelog() throws Exception {
    List<String> first = lines(0, 300);
    List<String> second = lines(300, 600);
    List<String> all = lines(0, 600);
    Map<String, Long> expectedFirst = expectedCounts(first);
    Map<String, Long> expected = expectedCounts(all);
    Path state = work.resolve("state-kiwi");

    produce(first.subList(0, 150));
    try (ChildProcess a = app("wordcount-1", "wc-kiwi", state, "kiwi")) {
      a.await("RUNNING"::equals, WAIT);
      // Two rounds, so the changelog holds several commits when the program is killed.
      awaitOutput(expectedCounts(first.subList(0, 150)));
      produce(first.subList(150, 300));
      awaitOutput(expectedFirst);
      assertEquals(expectedFirst, parseAll(a.ask("all", "ALL ", WAIT)));
      a.kill(); // SIGKILL: no close, no flush, no final commit
    }
    Path kiwiFiles = findKiwiDirs(state);
    assertTrue(Files.isDirectory(kiwiFiles), "kiwi engines live under <task>/kiwi: " + kiwiFiles);

    produce(second);
    long changelogAtRestart = changelogRecords("wc-kiwi");
    long changelogRecordsAfterKill;
    try (ChildProcess b = app("wordcount-2", "wc-kiwi", state, "kiwi")) {
      changelogRecordsAfterKill = restored(b);
      // The local kiwi files held the store's last commit: only the changelog records written
      // after it came back, not the whole changelog.
      System.out.printf(
          "after the kill: restored %d of the changelog's %d records%n",
          changelogRecordsAfterKill, changelogAtRestart);
      assertTrue(
          changelogRecordsAfterKill < changelogAtRestart / 2,
          "restored "
              + changelogRecordsAfterKill
              + " of "
              + changelogAtRestart
              + " changelog records after the kill: the local files were not used");
      b.await("RUNNING"::equals, WAIT);
      awaitOutput(expected);
      assertEquals(expected, parseAll(b.ask("all", "ALL ", WAIT)));
      assertEquals("COUNT kiwi " + expected.get("kiwi"), b.ask("query kiwi", "COUNT ", WAIT));
      assertEquals("COUNT absent null", b.ask("query absent", "COUNT ", WAIT));
      b.ask("close", "CLOSED", WAIT);
      assertTrue(b.waitForExit(WAIT));
      assertEquals(0, b.exitValue());
    }

    deleteRecursively(state);
    Map<String, Long> kiwiAnswers;
    // This instance runs on the class path: the module works there too (the engine is found
    // through META-INF/services).
    try (ChildProcess c = app("wordcount-3-classpath", "wc-kiwi", state, "kiwi", false)) {
      long fromChangelog = restored(c);
      c.await("RUNNING"::equals, WAIT);
      // Every word's count came back from the changelog (at least one record per word).
      assertTrue(fromChangelog >= expected.size(), "restored only " + fromChangelog + " records");
      long changelogNow = changelogRecords("wc-kiwi");
      System.out.printf(
          "after deleting the state directory: restored %d of the changelog's %d records%n",
          fromChangelog, changelogNow);
      assertTrue(
          fromChangelog >= changelogNow / 2,
          "a wiped store must be rebuilt from the whole changelog: restored "
              + fromChangelog
              + " of "
              + changelogNow);
      kiwiAnswers = parseAll(c.ask("all", "ALL ", WAIT));
      assertEquals(expected, kiwiAnswers);
      assertEquals("COUNT store " + expected.get("store"), c.ask("query store", "COUNT ", WAIT));
      c.ask("close", "CLOSED", WAIT);
    }

    try (ChildProcess r =
        app("wordcount-rocksdb", "wc-rocks", work.resolve("state-rocks"), "rocksdb")) {
      r.await("RUNNING"::equals, WAIT);
      Map<String, Long> rocks = Map.of();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!rocks.equals(expected) && System.nanoTime() < deadline) {
        rocks = parseAll(r.ask("all", "ALL ", WAIT));
        Thread.sleep(200);
      }
      assertEquals(kiwiAnswers, rocks, "interactive queries: kiwi and RocksDB agree");
      assertEquals("COUNT kiwi " + expected.get("kiwi"), r.ask("query kiwi", "COUNT ", WAIT));
      r.ask("close", "CLOSED", WAIT);
    }
  }

  /**
   * The records in the store's changelog topic: the sum of its end offsets. That counts the
   * transaction markers too (one per partition and commit), so it is an upper bound.
   */
  private long changelogRecords(String appId) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      String topic = appId + "-counts-changelog";
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < 2; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      long total = 0;
      for (var info : admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).values()) {
        total += info.offset();
      }
      return total;
    }
  }

  private static Path findKiwiDirs(Path state) throws IOException {
    try (Stream<Path> paths = Files.walk(state)) {
      return paths
          .filter(p -> p.getFileName().toString().equals("kiwi") && Files.isDirectory(p))
          .findFirst()
          .orElse(state.resolve("no-kiwi-dir"));
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
