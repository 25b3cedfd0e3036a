package io.kiwidb.bench.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Count by key over a fixed input with kiwi stores and with Kafka's RocksDB stores, against a real
 * single-node KRaft broker on 127.0.0.1 (started here as its own process with Kafka's own {@code
 * kafka.Kafka} main, after {@code kafka.tools.StorageTool format}).
 *
 * <p>Per round and store, two fresh JVMs ({@link CountByKeyApp}): {@code process} counts the whole
 * input (records per second from the first to the last record processed; peak heap and RSS), then
 * the state directory is deleted and {@code restore} restores the changelog into the empty store
 * (restore time, from Kafka Streams' restore listener). Rounds interleave the stores (kiwi first in
 * odd rounds, RocksDB first in even ones); the summary gives every run and the medians.
 *
 * <pre>
 * java -cp kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/* \
 *     io.kiwidb.bench.kafka.KafkaStreamsBench [--records 1000000] [--keys 100000] [--rounds 3]
 *     [--work /tmp/kiwi-kafka-bench] [--app-heap 1g] [--jfr /tmp/kiwi-kafka-jfr]
 * </pre>
 */
public final class KafkaStreamsBench {
  private KafkaStreamsBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("records", "1000000");
    opts.put("keys", "100000");
    opts.put("rounds", "3");
    opts.put("work", "/tmp/kiwi-kafka-bench");
    opts.put("app-heap", "1g");
    // A directory: every app run records a JFR profile there (<application.id>-<mode>.jfr).
    opts.put("jfr", "");
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opts.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown option " + args[i] + "; known: " + opts.keySet());
      }
      opts.put(key, args[i + 1]);
    }
    long records = Long.parseLong(opts.get("records"));
    int keys = Integer.parseInt(opts.get("keys"));
    int rounds = Integer.parseInt(opts.get("rounds"));
    Path work = Path.of(opts.get("work"));
    deleteRecursively(work);
    Files.createDirectories(work);
    Path logback = work.resolve("logback.xml");
    Files.writeString(
        logback,
        "<configuration><appender name='E' class='ch.qos.logback.core.ConsoleAppender'>"
            + "<target>System.err</target><encoder><pattern>%d %-5level %logger{30} - %msg%n"
            + "</pattern></encoder></appender><logger name='io.kiwidb' level='WARN'/>"
            + "<root level='WARN'><appender-ref ref='E'/></root></configuration>");
    // Before the first Kafka client logs: logback reads this when it initialises.
    System.setProperty("logback.configurationFile", logback.toString());

    System.out.printf(
        "Kafka Streams count-by-key: %d records over %d keys, %d rounds, app heap %s%n",
        records, keys, rounds, opts.get("app-heap"));
    Process broker = startBroker(work, logback);
    try {
      String bootstrap = "127.0.0.1:" + brokerPort;
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin
            .createTopics(List.of(new NewTopic("bench-input", 1, (short) 1)))
            .all()
            .get(2, TimeUnit.MINUTES);
      }
      long t0 = System.nanoTime();
      produce(bootstrap, records, keys);
      System.out.printf(
          Locale.ROOT, "produced %d records in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);

      List<String[]> results = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        List<String> order =
            round % 2 == 1 ? List.of("kiwi", "rocksdb") : List.of("rocksdb", "kiwi");
        for (String store : order) {
          String appId = "bench-" + store + "-" + round;
          Path state = work.resolve("state-" + store + "-" + round);
          String[] p =
              runApp(work, logback, opts, "process", store, bootstrap, appId, state, records);
          deleteRecursively(state);
          String[] r =
              runApp(work, logback, opts, "restore", store, bootstrap, appId, state, records);
          deleteRecursively(state);
          results.add(
              new String[] {
                String.valueOf(round), store, p[3], p[4], p[5], p[6], r[3], r[4], r[6], r[7]
              });
          System.out.printf(
              Locale.ROOT,
              "round %d %-7s process %s records in %s s (%.0f records/s), peak heap %s MiB,"
                  + " peak RSS %s MiB; restore %s records in %s s, peak RSS %s MiB, close after"
                  + " restore %s s%n",
              round,
              store,
              p[3],
              p[4],
              Double.parseDouble(p[3]) / Double.parseDouble(p[4]),
              p[5],
              p[6],
              r[3],
              r[4],
              r[6],
              r[7]);
        }
      }
      summarize(results);
    } finally {
      broker.destroy();
      if (!broker.waitFor(60, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
    }
  }

  private static int brokerPort;

  private static Process startBroker(Path work, Path logback) throws Exception {
    brokerPort = freePort();
    int controllerPort = freePort();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", work.resolve("broker-data").toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    Path file = work.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "kiwi-bench Kafka Streams benchmark broker");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp = System.getProperty("java.class.path");
    Process format =
        new ProcessBuilder(
                java,
                "-Dlogback.configurationFile=" + logback,
                "-cp",
                cp,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                org.apache.kafka.common.Uuid.randomUuid().toString(),
                "-c",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("format.log").toFile())
            .start();
    if (format.waitFor() != 0) {
      throw new IllegalStateException(
          "kafka storage format failed: " + Files.readString(work.resolve("format.log")));
    }
    Process broker =
        new ProcessBuilder(
                java,
                "-Xmx1g",
                "-Dlogback.configurationFile=" + logback,
                "-cp",
                cp,
                "kafka.Kafka",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("broker.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  "127.0.0.1:" + brokerPort,
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                  5000,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  4000))) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        return broker;
      } catch (Exception e) {
        if (!broker.isAlive() || System.nanoTime() > deadline) {
          broker.destroyForcibly();
          throw new IllegalStateException(
              "broker did not start; see " + work.resolve("broker.log"), e);
        }
        Thread.sleep(500);
      }
    }
  }

  /** Fixed input: record i has key k(i * 7919 mod keys), so every key is updated evenly. */
  private static void produce(String bootstrap, long records, int keys) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      java.util.concurrent.atomic.AtomicReference<Exception> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      for (long i = 0; i < records; i++) {
        var unused =
            producer.send(
                new ProducerRecord<>(
                    "bench-input", String.format(Locale.ROOT, "key%08d", (i * 7919) % keys), "v"),
                (metadata, e) -> {
                  if (e != null) {
                    failed.compareAndSet(null, e);
                  }
                });
      }
      producer.flush();
      if (failed.get() != null) {
        throw new IllegalStateException("producing the input failed", failed.get());
      }
    }
  }

  private static String[] runApp(
      Path work,
      Path logback,
      Map<String, String> opts,
      String mode,
      String store,
      String bootstrap,
      String appId,
      Path state,
      long records)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = work.resolve(appId + "-" + mode + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xms" + opts.get("app-heap"));
    cmd.add("-Xmx" + opts.get("app-heap"));
    if (!opts.get("jfr").isEmpty()) {
      Path jfr = Path.of(opts.get("jfr")).toAbsolutePath();
      Files.createDirectories(jfr);
      cmd.add(
          "-XX:StartFlightRecording=settings=profile,filename="
              + jfr.resolve(appId + "-" + mode + ".jfr"));
    }
    cmd.addAll(
        List.of(
            "-Dguice_bytecode_gen_option=DISABLED",
            "-Dlogback.configurationFile=" + logback,
            "-cp",
            System.getProperty("java.class.path"),
            CountByKeyApp.class.getName(),
            mode,
            store,
            bootstrap,
            appId,
            state.toString(),
            String.valueOf(records)));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(40, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(mode + " " + store + " did not finish; see " + log);
    }
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith("RESULT ")) {
        return line.split(" ");
      }
    }
    throw new IllegalStateException(
        mode + " " + store + " exited " + p.exitValue() + " without a result; see " + log);
  }

  private static void summarize(List<String[]> results) {
    System.out.println();
    System.out.println(
        "| round | store | records/s | peak heap MiB | peak RSS MiB | restore s | restore records/s"
            + " | restore RSS MiB | close after restore s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    Map<String, List<double[]>> byStore = new LinkedHashMap<>();
    for (String[] r : results) {
      double rate = Double.parseDouble(r[2]) / Double.parseDouble(r[3]);
      double restoreRate = Double.parseDouble(r[6]) / Double.parseDouble(r[7]);
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.0f | %s | %s | %s | %.0f | %s | %s |%n",
          r[0],
          r[1],
          rate,
          r[4],
          r[5],
          r[7],
          restoreRate,
          r[8],
          r[9]);
      byStore
          .computeIfAbsent(r[1], k -> new ArrayList<>())
          .add(
              new double[] {
                rate,
                Double.parseDouble(r[4]),
                Double.parseDouble(r[5]),
                Double.parseDouble(r[7]),
                restoreRate,
                Double.parseDouble(r[8]),
                Double.parseDouble(r[9])
              });
    }
    System.out.println();
    System.out.println(
        "| median | records/s | peak heap MiB | peak RSS MiB | restore s | restore records/s |"
            + " restore RSS MiB | close after restore s |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    byStore.forEach(
        (store, rows) ->
            System.out.printf(
                Locale.ROOT,
                "| %s | %.0f | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |%n",
                store,
                median(rows, 0),
                median(rows, 1),
                median(rows, 2),
                median(rows, 3),
                median(rows, 4),
                median(rows, 5),
                median(rows, 6)));
  }

  private static double median(List<double[]> rows, int column) {
    double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
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
