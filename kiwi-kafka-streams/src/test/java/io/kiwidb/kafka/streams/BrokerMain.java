package io.kiwidb.kafka.streams;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A one-node KRaft Kafka cluster (combined broker and controller) for the integration tests: the
 * server class {@code kafka-server-start.sh} runs, with storage formatted as {@code
 * kafka-storage.sh format} does. It runs in its own JVM on the class path ({@code kafka_2.13} has
 * no valid automatic module name, and the broker's jars split packages with {@code kafka-clients}).
 * It listens on 127.0.0.1 only, prints {@code BOOTSTRAP <host:port>} once started, and stops when
 * its standard input closes, or after {@code maxSeconds} at the latest.
 *
 * <p>Usage: {@code BrokerMain <base dir> <maxSeconds>}.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    long maxSeconds = Long.parseLong(args[1]);
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(maxSeconds * 1000);
                System.err.println("broker: time limit of " + maxSeconds + " s reached, exiting");
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "broker-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    int brokerPort = freeLoopbackPort();
    int controllerPort = freeLoopbackPort();
    Files.createDirectories(base);
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
    props.put("log.dirs", base.resolve("data").toString());
    props.put("num.partitions", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "2");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "2");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    Path file = base.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "kiwi-kafka-streams integration test broker");
    }

    int formatted =
        StorageTool.execute(
            new String[] {
              "format",
              "-t",
              Uuid.randomUuid().toString(),
              "-c",
              file.toString(),
              "--ignore-formatted"
            },
            System.err);
    if (formatted != 0) {
      throw new IllegalStateException("kafka storage format failed with " + formatted);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    server.startup();
    try {
      System.out.println("BOOTSTRAP 127.0.0.1:" + brokerPort);
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        // Runs until the test closes our standard input (or dies, which closes it too).
      }
    } finally {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
