package io.kiwidb.kafka.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restore writes without the WAL: a process killed (SIGKILL, no close, no flush) during restore,
 * right after it, or after the first processing commit leaves a store whose data is exactly the
 * changelog up to the offset it reports, and restoring on from that offset gives the final state.
 */
class RestoreCrashTest {
  private static final long RECORDS = 6000;

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"restoring", "restored", "processed"})
  void killedStoreHoldsExactlyThePrefixItsOffsetsClaim(String phase) throws Exception {
    Path taskDir = tmp.resolve("0_0");
    String line;
    try (ChildProcess child = child("restore-crash-" + phase, taskDir, phase)) {
      line = child.await(l -> l.startsWith("READY"), Duration.ofMinutes(2));
      child.kill();
    }
    // The restore and the offsets-only commits during it are unlogged; a processing commit is
    // logged, so it ends the unlogged phase with a flush.
    assertEquals(!phase.equals("processed"), line.contains("unlogged=true"), line);

    TestStoreContext ctx = new TestStoreContext(taskDir, 0);
    KiwiKeyValueStore store = open(ctx);
    long offset;
    try {
      Long committed = store.committedOffset(RestoreCrashChild.CHANGELOG);
      offset = committed == null ? 0 : committed;
      Map<String, String> expected = model(offset);
      if (phase.equals("processed")) {
        assertEquals(RECORDS, offset, "a logged commit is durable: " + line);
        expected.put("processed", "\u0001");
      } else if (phase.equals("restoring")) {
        // Background flushes made part of the restore durable, offsets with their data.
        assertTrue(offset > 0 && offset < RECORDS, "offset " + offset + " after " + line);
      }
      // The data may run ahead of the offsets (a restore batch written before the commit that
      // covers it), never behind them, and is never a torn batch: it is the changelog up to some
      // point at or after the offset, so restoring on from the offset is idempotent.
      Map<String, String> actual = contents(store);
      long matching = -1;
      Map<String, String> state = model(offset);
      for (long d = offset; d <= RECORDS && matching < 0; d++) {
        if (state.equals(withoutProcessed(actual))) {
          matching = d;
        } else if (d < RECORDS) {
          apply(state, d);
        }
      }
      assertTrue(
          matching >= 0,
          "the store holds no changelog prefix at or after offset " + offset + " (" + line + ")");
      if (phase.equals("processed")) {
        assertEquals(expected, actual);
      }

      // Kafka Streams restores on from the reported offset.
      RestoreCrashChild.restore(store, ctx, offset, RECORDS);
      store.commit(Map.of(RestoreCrashChild.CHANGELOG, RECORDS));
      Map<String, String> last = model(RECORDS);
      if (phase.equals("processed")) {
        last.put("processed", "\u0001");
      }
      assertEquals(last, contents(store));
    } finally {
      store.close();
    }
    KiwiKeyValueStore again = open(new TestStoreContext(taskDir, 0));
    try {
      assertEquals(RECORDS, again.committedOffset(RestoreCrashChild.CHANGELOG));
      assertEquals(
          phase.equals("processed") ? model(RECORDS).size() + 1 : model(RECORDS).size(),
          contents(again).size());
      assertTrue(!again.inUnloggedPhase());
    } finally {
      again.close();
    }
  }

  private static KiwiKeyValueStore open(TestStoreContext ctx) {
    KiwiKeyValueStore store = new KiwiKeyValueStore("s", RestoreCrashChild.STORE_CONFIG);
    store.init(ctx, store);
    return store;
  }

  /** The state after changelog records {@code [0, upTo)}. */
  private static Map<String, String> model(long upTo) {
    Map<String, String> state = new TreeMap<>();
    for (long i = 0; i < upTo; i++) {
      apply(state, i);
    }
    return state;
  }

  private static void apply(Map<String, String> state, long i) {
    ConsumerRecord<byte[], byte[]> r = RestoreCrashChild.record(i);
    String key = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      state.remove(key);
    } else {
      state.put(key, new String(r.value(), StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> withoutProcessed(Map<String, String> contents) {
    Map<String, String> out = new TreeMap<>(contents);
    out.remove("processed");
    return out;
  }

  private static Map<String, String> contents(KiwiKeyValueStore store) {
    Map<String, String> out = new TreeMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        out.put(
            new String(kv.key.get(), StandardCharsets.UTF_8),
            new String(kv.value, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static ChildProcess child(String name, Path taskDir, String phase) throws Exception {
    Path base = Path.of(System.getProperty("basedir", "."));
    String classPath =
        base.resolve("target/test-classes")
            + ":"
            + base.resolve("target/classes")
            + ":"
            + Files.readString(base.resolve("target/it-paths/test-classpath.txt")).trim();
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.java());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx256m");
    cmd.add("-Dguice_bytecode_gen_option=DISABLED");
    cmd.add("-Dlogback.configurationFile=" + base.resolve("target/test-classes/logback-test.xml"));
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(RestoreCrashChild.class.getName());
    cmd.add(taskDir.toString());
    cmd.add(String.valueOf(RECORDS));
    cmd.add(phase);
    ChildProcess child = ChildProcess.start(name, cmd);
    assertNotNull(child);
    return child;
  }
}
