package io.kiwidb.bench.kafka;

import io.kiwidb.kafka.streams.KiwiStores;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * One benchmark run in its own JVM: count by key over the input topic with a kiwi or a RocksDB
 * store ({@code process}), or restore that store's changelog into an empty state directory ({@code
 * restore}). Prints one {@code RESULT} line: {@code RESULT <mode> <store> <records> <seconds>
 * <peakHeapMiB> <peakRssMiB> <closeSeconds>}.
 *
 * <p>The store cache is off, so every input record reaches the store and the changelog: the
 * benchmark measures the stores, not Kafka's cache.
 *
 * <p>Usage: {@code CountByKeyApp process|restore kiwi|rocksdb <bootstrap> <application.id>
 * <state.dir> <records>}.
 */
public final class CountByKeyApp {
  private CountByKeyApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String store = args[1];
    String bootstrap = args[2];
    String appId = args[3];
    String stateDir = args[4];
    long records = Long.parseLong(args[5]);

    KeyValueBytesStoreSupplier supplier =
        store.equals("kiwi")
            ? KiwiStores.persistentTimestampedKeyValueStore("counts")
            : Stores.persistentTimestampedKeyValueStore("counts");
    AtomicLong processed = new AtomicLong();
    AtomicLong firstNanos = new AtomicLong();
    AtomicLong lastNanos = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("bench-input", Consumed.with(Serdes.String(), Serdes.String()))
        .peek(
            (k, v) -> {
              long n = processed.incrementAndGet();
              if (n == 1) {
                firstNanos.set(System.nanoTime());
              }
              if (n == records) {
                lastNanos.set(System.nanoTime());
                done.countDown();
              }
            })
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .count(
            Materialized.<String, Long>as(supplier)
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long())
                .withCachingDisabled());

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    MemorySampler memory = new MemorySampler();
    memory.start();
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    AtomicLong restoreStart = new AtomicLong();
    AtomicLong restoreEnd = new AtomicLong();
    AtomicLong restored = new AtomicLong();
    streams.setGlobalStateRestoreListener(
        new StateRestoreListener() {
          @Override
          public void onRestoreStart(TopicPartition tp, String s, long start, long end) {
            restoreStart.compareAndSet(0, System.nanoTime());
          }

          @Override
          public void onBatchRestored(TopicPartition tp, String s, long end, long count) {
            restored.addAndGet(count);
          }

          @Override
          public void onRestoreEnd(TopicPartition tp, String s, long total) {
            restoreEnd.set(System.nanoTime());
          }
        });
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            System.out.println("FAILED: Kafka Streams went to " + now);
            System.out.flush();
            Runtime.getRuntime().halt(2);
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          e.printStackTrace();
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    long count;
    double seconds;
    if (mode.equals("process")) {
      if (!done.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("processed only " + processed.get() + " of " + records);
      }
      count = records;
      seconds = (lastNanos.get() - firstNanos.get()) / 1e9;
    } else {
      if (!running.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("never reached RUNNING");
      }
      count = restored.get();
      seconds = restoreStart.get() == 0 ? 0 : (restoreEnd.get() - restoreStart.get()) / 1e9;
    }
    memory.stopSampling();
    // The close commits and flushes: for a restore, this is where the restored state becomes
    // durable (kiwi restores without its WAL and flushes at that commit; RocksDB flushes its
    // memtables at close), so it is reported too.
    long closeStart = System.nanoTime();
    streams.close(Duration.ofMinutes(2));
    double closeSeconds = (System.nanoTime() - closeStart) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "RESULT %s %s %d %.3f %.1f %.1f %.3f%n",
        mode,
        store,
        count,
        seconds,
        memory.peakHeapBytes / 1048576.0,
        peakRssBytes() / 1048576.0,
        closeSeconds);
  }

  /** VmHWM from /proc/self/status: the process's peak resident set, heap and native together. */
  static long peakRssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** Samples the used heap every 50 ms and keeps the largest value seen. */
  static final class MemorySampler extends Thread {
    private final MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    private volatile boolean stopped;
    volatile long peakHeapBytes;

    MemorySampler() {
      super("memory-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!stopped) {
        peakHeapBytes = Math.max(peakHeapBytes, bean.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopSampling() {
      stopped = true;
      interrupt();
    }
  }
}
