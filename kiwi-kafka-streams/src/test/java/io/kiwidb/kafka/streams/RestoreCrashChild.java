package io.kiwidb.kafka.streams;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

/**
 * The process {@link RestoreCrashTest} kills: it opens a kiwi store in a task directory, restores
 * changelog records {@code [0, upTo)} through the store's restore callback in polls of {@link
 * #POLL} records, committing offsets every {@link #COMMIT_EVERY} records as Kafka Streams' state
 * updater does while restoring, optionally runs one processing commit, prints {@code READY} and
 * waits on standard input to be killed.
 *
 * <p>Usage: {@code RestoreCrashChild <taskDir> <upTo> restoring|restored|processed}: {@code
 * restoring} stops mid-restore (no final commit), {@code restored} ends with the commit Kafka
 * Streams makes when restore completes, {@code processed} adds a processed write and its commit.
 */
public final class RestoreCrashChild {
  static final TopicPartition CHANGELOG = new TopicPartition("app-s-changelog", 0);
  static final int KEYS = 700;
  static final int POLL = 250;
  static final int COMMIT_EVERY = 1000;

  /** Small memtables, so that background flushes put part of the unlogged restore in tables. */
  static final Map<String, Object> STORE_CONFIG = Map.of("max_memtable_entries", 900);

  private RestoreCrashChild() {}

  /** Changelog record {@code i}: a put of key {@code i * 7919 mod KEYS}, every 11th a delete. */
  static ConsumerRecord<byte[], byte[]> record(long i) {
    byte[] key = ("k" + (i * 7919) % KEYS).getBytes(StandardCharsets.UTF_8);
    byte[] value = i % 11 == 10 ? null : ("v" + i).getBytes(StandardCharsets.UTF_8);
    return new ConsumerRecord<>(CHANGELOG.topic(), 0, i, key, value);
  }

  /** Restores {@code [from, to)} in polls, committing {@code nextOffset} every COMMIT_EVERY. */
  static void restore(KiwiKeyValueStore store, TestStoreContext ctx, long from, long to) {
    RecordBatchingStateRestoreCallback callback =
        (RecordBatchingStateRestoreCallback) ctx.restoreCallback;
    for (long start = from; start < to; start += POLL) {
      List<ConsumerRecord<byte[], byte[]>> poll = new ArrayList<>();
      for (long i = start; i < Math.min(to, start + POLL); i++) {
        poll.add(record(i));
      }
      callback.restoreBatch(poll);
      long next = start + poll.size();
      if (next % COMMIT_EVERY == 0 && next < to) {
        store.commit(Map.of(CHANGELOG, next));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    TestStoreContext ctx = new TestStoreContext(Path.of(args[0]), 0);
    long upTo = Long.parseLong(args[1]);
    String phase = args[2];
    KiwiKeyValueStore store = new KiwiKeyValueStore("s", STORE_CONFIG);
    store.init(ctx, store);
    Long committed = store.committedOffset(CHANGELOG);
    restore(store, ctx, committed == null ? 0 : committed, upTo);
    if (!phase.equals("restoring")) {
      store.commit(Map.of(CHANGELOG, upTo));
    }
    if (phase.equals("processed")) {
      ctx.processing("input", 0, 0);
      store.put(Bytes.wrap("processed".getBytes(StandardCharsets.UTF_8)), new byte[] {1});
      store.commit(Map.of(CHANGELOG, upTo));
    }
    if (phase.equals("restoring")) {
      // Let the background flushes of memtables frozen so far finish (the active one stays in
      // memory), so that the crash leaves a restore cut in the middle with a prefix in tables.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (store.engineForTests().stats().immutableQueueLen() > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    System.out.println(
        "READY unlogged="
            + store.inUnloggedPhase()
            + " tables="
            + store.engineForTests().stats().l0SstableCount());
    System.out.flush();
    // Killed here: no close, no flush.
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
  }
}
