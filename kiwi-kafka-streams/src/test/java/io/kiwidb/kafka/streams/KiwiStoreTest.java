package io.kiwidb.kafka.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store driven directly through a test context, as Kafka Streams' state manager drives it. */
class KiwiStoreTest {
  private static final TopicPartition CHANGELOG = new TopicPartition("app-s-changelog", 0);

  @TempDir Path tmp;

  static Bytes b(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] v(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static List<String> drain(KeyValueIterator<Bytes, byte[]> it) {
    List<String> out = new ArrayList<>();
    try (it) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        out.add(str(kv.key.get()) + "=" + str(kv.value));
      }
    }
    return out;
  }

  TestStoreContext context() {
    return new TestStoreContext(tmp.resolve("0_0"), 0);
  }

  static KiwiKeyValueStore open(TestStoreContext ctx) {
    return open(ctx, Map.of());
  }

  static KiwiKeyValueStore open(TestStoreContext ctx, Map<String, Object> storeConfig) {
    KiwiKeyValueStore store = new KiwiKeyValueStore("s", storeConfig);
    store.init(ctx, store);
    return store;
  }

  @Test
  void putGetDeleteAndPutIfAbsentFollowKafkaSemantics() {
    TestStoreContext ctx = context();
    try (var store = new Closer(open(ctx))) {
      var s = store.s;
      assertTrue(s.persistent());
      assertTrue(s.isOpen());
      assertNull(s.get(b("a")));
      s.put(b("a"), v("1"));
      assertEquals("1", str(s.get(b("a"))));
      assertEquals("1", str(s.putIfAbsent(b("a"), v("2"))), "present: returns it, keeps it");
      assertEquals("1", str(s.get(b("a"))));
      assertNull(s.putIfAbsent(b("b"), v("3")), "absent: returns null and writes");
      assertEquals("3", str(s.get(b("b"))));
      assertEquals("3", str(s.delete(b("b"))), "delete returns the old value");
      assertNull(s.get(b("b")));
      assertNull(s.delete(b("b")));
      s.put(b("a"), null);
      assertNull(s.get(b("a")), "a null value deletes");
      // Kafka keys may be empty (kiwi-db's own keys may not): the store keeps them.
      s.put(Bytes.wrap(new byte[0]), v("empty"));
      assertEquals("empty", str(s.get(Bytes.wrap(new byte[0]))));
      s.commit(Map.of(CHANGELOG, 10L));
      assertEquals("empty", str(s.get(Bytes.wrap(new byte[0]))));
      assertEquals(List.of("=empty"), drain(s.all()));
      assertThrows(NullPointerException.class, () -> s.put(null, v("x")));
      assertThrows(NullPointerException.class, () -> s.get(null));
    }
  }

  @Test
  void putAllIsAtomicAndWinsInOrder() {
    TestStoreContext ctx = context();
    try (var store = new Closer(open(ctx))) {
      var s = store.s;
      s.putAll(
          List.of(
              KeyValue.pair(b("a"), v("1")),
              KeyValue.pair(b("b"), v("2")),
              KeyValue.pair(b("a"), v("3")),
              KeyValue.pair(b("c"), null)));
      assertEquals(List.of("a=3", "b=2"), drain(s.all()));
      byte[] tooBig = new byte[KeyCodec.MAX_USER_KEY_BYTES + 1];
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  s.putAll(
                      List.of(
                          KeyValue.pair(b("d"), v("4")),
                          KeyValue.pair(Bytes.wrap(tooBig), v("x")))));
      assertTrue(e.getMessage().contains("kiwi store 's'"), e.getMessage());
      assertNull(s.get(b("d")), "a rejected putAll writes none of its entries");
    }
  }

  @Test
  void rangesMergeUncommittedWritesWithCommittedState() {
    TestStoreContext ctx = context();
    try (var store = new Closer(open(ctx))) {
      var s = store.s;
      for (String k : List.of("a", "b", "c", "d", "e", "pa", "pb", "q")) {
        s.put(b(k), v(k.toUpperCase(java.util.Locale.ROOT)));
      }
      s.commit(Map.of(CHANGELOG, 1L));
      s.delete(b("b"));
      s.put(b("c"), v("c2"));
      s.put(b("bb"), v("new"));
      s.put(b("pc"), v("PC"));
      assertEquals(List.of("a=A", "bb=new", "c=c2", "d=D"), drain(s.range(b("a"), b("d"))));
      assertEquals(List.of("d=D", "c=c2", "bb=new", "a=A"), drain(s.reverseRange(b("a"), b("d"))));
      assertEquals(List.of("bb=new", "c=c2"), drain(s.range(b("b"), b("c"))));
      assertEquals(
          List.of("pa=PA", "pb=PB", "pc=PC"), drain(s.prefixScan("p", new StringSerializer())));
      List<String> all = drain(s.all());
      assertEquals(
          List.of("a=A", "bb=new", "c=c2", "d=D", "e=E", "pa=PA", "pb=PB", "pc=PC", "q=Q"), all);
      List<String> reversed = new ArrayList<>(all);
      java.util.Collections.reverse(reversed);
      assertEquals(reversed, drain(s.reverseAll()));
      assertEquals(List.of("e=E", "pa=PA", "pb=PB", "pc=PC", "q=Q"), drain(s.range(b("e"), null)));
      assertEquals(List.of("a=A", "bb=new"), drain(s.range(null, b("bb"))));
      assertEquals(List.of(), drain(s.range(b("d"), b("a"))), "from > to: empty, as RocksDB");
      assertEquals(List.of(), drain(s.prefixScan("zz", new StringSerializer())));
      assertEquals(all, drain(s.prefixScan("", new StringSerializer())), "empty prefix: all");
      // A bound longer than any key: the longest keys still sort against it correctly.
      byte[] longest = new byte[KeyCodec.MAX_USER_KEY_BYTES];
      java.util.Arrays.fill(longest, (byte) 'q');
      s.put(Bytes.wrap(longest), v("L"));
      byte[] longer = new byte[KeyCodec.MAX_USER_KEY_BYTES + 10];
      java.util.Arrays.fill(longer, (byte) 'q');
      assertEquals(2, drain(s.range(b("q"), Bytes.wrap(longer))).size());
      assertEquals(0, drain(s.range(Bytes.wrap(longer), null)).size());
      s.commit(Map.of(CHANGELOG, 2L));
      assertEquals(2, drain(s.range(b("q"), Bytes.wrap(longer))).size());
      assertEquals(0, drain(s.range(Bytes.wrap(longer), null)).size());
    }
  }

  @Test
  void iteratorsSeeTheStateOfTheirCreation() {
    TestStoreContext ctx = context();
    try (var store = new Closer(open(ctx))) {
      var s = store.s;
      s.put(b("a"), v("1"));
      s.put(b("b"), v("2"));
      try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
        assertEquals("a", str(it.peekNextKey().get()));
        s.put(b("a"), v("changed"));
        s.delete(b("b"));
        s.commit(Map.of(CHANGELOG, 5L));
        s.put(b("c"), v("3"));
        List<String> seen = new ArrayList<>();
        it.forEachRemaining(kv -> seen.add(str(kv.key.get()) + "=" + str(kv.value)));
        assertEquals(List.of("a=1", "b=2"), seen);
      }
      assertEquals(List.of("a=changed", "c=3"), drain(s.all()));
    }
  }

  @Test
  void commitPersistsOffsetsAndPositionWithTheDataAndDropsUncommittedWritesAtClose() {
    TestStoreContext ctx = context();
    KiwiKeyValueStore s = open(ctx);
    assertNull(s.committedOffset(CHANGELOG));
    ctx.processing("input", 0, 41);
    s.put(b("a"), v("1"));
    ctx.processing("input", 0, 42);
    s.put(b("b"), v("2"));
    s.commit(Map.of(CHANGELOG, 7L));
    assertEquals(7L, s.committedOffset(CHANGELOG));
    ctx.processing("input", 0, 43);
    s.put(b("c"), v("uncommitted"));
    assertEquals(43L, s.getPosition().getPartitionPositions("input").get(0));
    s.close();
    assertFalse(s.isOpen());

    KiwiKeyValueStore again = open(ctx);
    try (var c = new Closer(again)) {
      assertEquals(7L, c.s.committedOffset(CHANGELOG));
      assertEquals(List.of("a=1", "b=2"), drain(c.s.all()), "the write after the commit is gone");
      assertEquals(
          42L,
          c.s.getPosition().getPartitionPositions("input").get(0),
          "the position of the last commit");
      c.s.commit(Map.of());
      assertNull(c.s.committedOffset(CHANGELOG), "an empty commit removes stored offsets");
    }
    KiwiKeyValueStore third = open(ctx);
    try (var c = new Closer(third)) {
      assertNull(c.s.committedOffset(CHANGELOG));
      assertEquals(List.of("a=1", "b=2"), drain(c.s.all()));
    }
  }

  @Test
  void restoreCallbackWritesChangelogRecordsInBatches() {
    TestStoreContext ctx = context();
    KiwiKeyValueStore s = open(ctx);
    try (var c = new Closer(s)) {
      RecordBatchingStateRestoreCallback callback =
          (RecordBatchingStateRestoreCallback) ctx.restoreCallback;
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < 5000; i++) {
        records.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, i, v("k" + (i % 1000)), v("v" + i)));
      }
      records.add(new ConsumerRecord<>(CHANGELOG.topic(), 0, 5000, v("k7"), null));
      callback.restoreBatch(records);
      c.s.commit(Map.of(CHANGELOG, 5001L));
      assertEquals("v4999", str(c.s.get(b("k999"))));
      assertNull(c.s.get(b("k7")), "a null changelog value is a delete");
      assertEquals(999, drain(c.s.all()).size());
      assertTrue(c.s.approximateNumEntries() >= 999, "estimate " + c.s.approximateNumEntries());
    }
    KiwiKeyValueStore again = open(ctx);
    try (var c = new Closer(again)) {
      assertEquals(5001L, c.s.committedOffset(CHANGELOG));
      assertEquals(999, drain(c.s.all()).size());
    }
  }

  @Test
  void restoreIsUnloggedUntilACommitEndsItAndNeverLogsBehindUnflushedData() {
    TestStoreContext ctx = context();
    try (var c = new Closer(open(ctx))) {
      RecordBatchingStateRestoreCallback callback =
          (RecordBatchingStateRestoreCallback) ctx.restoreCallback;
      long walBefore = c.s.engineForTests().stats().counters().walBytesWritten();
      callback.restoreBatch(
          List.of(
              new ConsumerRecord<>(CHANGELOG.topic(), 0, 0, v("a"), v("1")),
              new ConsumerRecord<>(CHANGELOG.topic(), 0, 1, v("a"), v("2")),
              new ConsumerRecord<>(CHANGELOG.topic(), 0, 2, v("b"), v("3"))));
      // The state updater's periodic commit during restore: unlogged, with the records.
      c.s.commit(Map.of(CHANGELOG, 3L));
      assertTrue(c.s.inUnloggedPhase());
      callback.restoreBatch(List.of(new ConsumerRecord<>(CHANGELOG.topic(), 0, 3, v("b"), null)));
      c.s.commit(Map.of(CHANGELOG, 4L));
      assertTrue(c.s.inUnloggedPhase());
      assertEquals(
          walBefore,
          c.s.engineForTests().stats().counters().walBytesWritten(),
          "restore and its commits wrote no WAL");
      assertEquals("2", str(c.s.get(b("a"))), "the newest version of a key in a batch wins");
      assertNull(c.s.get(b("b")));
      // No restore batch since the last commit: restore is over, the next commit flushes.
      c.s.commit(Map.of(CHANGELOG, 4L));
      assertFalse(c.s.inUnloggedPhase());
      assertTrue(c.s.engineForTests().stats().l0SstableCount() > 0, "flushed to a table");
      // Processing writes go to the WAL again.
      c.s.put(b("c"), v("4"));
      c.s.commit(Map.of(CHANGELOG, 4L));
      assertTrue(c.s.engineForTests().stats().counters().walBytesWritten() > walBefore);
    }
  }

  @Test
  void aProcessingCommitRightAfterRestoreFlushesTheRestoreFirst() {
    TestStoreContext ctx = context();
    try (var c = new Closer(open(ctx))) {
      ((RecordBatchingStateRestoreCallback) ctx.restoreCallback)
          .restoreBatch(List.of(new ConsumerRecord<>(CHANGELOG.topic(), 0, 0, v("k"), v("v"))));
      c.s.put(b("p"), v("x"));
      assertTrue(c.s.inUnloggedPhase());
      c.s.commit(Map.of(CHANGELOG, 1L));
      assertFalse(c.s.inUnloggedPhase());
      assertTrue(c.s.engineForTests().stats().l0SstableCount() > 0);
    }
    try (var c = new Closer(open(ctx))) {
      assertEquals("v", str(c.s.get(b("k"))));
      assertEquals("x", str(c.s.get(b("p"))));
    }
  }

  @Test
  void restoredRecordsAreVisibleBeforeTheNextReadWithoutACommit() {
    TestStoreContext ctx = context();
    try (var c = new Closer(open(ctx))) {
      ((RecordBatchingStateRestoreCallback) ctx.restoreCallback)
          .restoreBatch(List.of(new ConsumerRecord<>(CHANGELOG.topic(), 0, 0, v("k"), v("v"))));
      assertEquals("v", str(c.s.get(b("k"))));
    }
  }

  @Test
  void overflowingBufferIsWrittenEarlyAndWipedAtReopenUnderExactlyOnceOnly() {
    TestStoreContext alos = new TestStoreContext(tmp.resolve("alos"), 0);
    alos.with(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, 1000L);
    KiwiKeyValueStore s = open(alos);
    s.commit(Map.of(CHANGELOG, 1L));
    for (int i = 0; i < 50; i++) {
      s.put(b("k" + i), new byte[100]);
    }
    assertTrue(s.approximateNumUncommittedBytes() < 1000, "spilled: the buffer was written");
    s.close(); // no commit
    KiwiKeyValueStore again = open(alos);
    try (var c = new Closer(again)) {
      assertEquals(1L, c.s.committedOffset(CHANGELOG));
      assertTrue(drain(c.s.all()).size() > 0, "at-least-once keeps the early writes");
    }

    TestStoreContext eos = new TestStoreContext(tmp.resolve("eos"), 0);
    eos.with(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, 1000L)
        .with(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    KiwiKeyValueStore e = open(eos);
    e.put(b("committed"), v("1"));
    e.commit(Map.of(CHANGELOG, 1L));
    for (int i = 0; i < 50; i++) {
      e.put(b("k" + i), new byte[100]);
    }
    e.close();
    KiwiKeyValueStore wiped = open(eos);
    try (var c = new Closer(wiped)) {
      assertNull(c.s.committedOffset(CHANGELOG), "wiped: Kafka Streams restores from scratch");
      assertEquals(List.of(), drain(c.s.all()));
    }
    // A commit after the early write clears the mark: nothing is wiped then.
    KiwiKeyValueStore e2 = open(eos);
    for (int i = 0; i < 50; i++) {
      e2.put(b("k" + i), new byte[100]);
    }
    e2.commit(Map.of(CHANGELOG, 9L));
    e2.close();
    KiwiKeyValueStore kept = open(eos);
    try (var c = new Closer(kept)) {
      assertEquals(9L, c.s.committedOffset(CHANGELOG));
      assertEquals(50, drain(c.s.all()).size());
    }
  }

  @Test
  void callsAfterCloseFailNamingTheStore() {
    KiwiKeyValueStore s = open(context());
    KeyValueIterator<Bytes, byte[]> it = s.all();
    s.close();
    s.close(); // idempotent
    InvalidStateStoreException e =
        assertThrows(InvalidStateStoreException.class, () -> s.get(b("a")));
    assertTrue(e.getMessage().contains("kiwi store 's' is not open"), e.getMessage());
    assertThrows(InvalidStateStoreException.class, () -> s.put(b("a"), v("1")));
    assertThrows(InvalidStateStoreException.class, s::all);
    assertThrows(InvalidStateStoreException.class, () -> s.commit(Map.of()));
    assertThrows(
        InvalidStateStoreException.class, it::hasNext, "open iterators die with the store");
  }

  @Test
  void engineLivesInTheTaskDirectoryAndOnlyOneStoreMayOpenIt() {
    TestStoreContext ctx = context();
    KiwiKeyValueStore s = open(ctx);
    try (var c = new Closer(s)) {
      assertEquals(ctx.taskDir.resolve("kiwi").resolve("s"), c.s.directory());
      assertTrue(Files.exists(c.s.directory().resolve("config.json")));
      assertEquals(
          c.s.directory().toAbsolutePath(), c.s.engineForTests().dataRoot().toAbsolutePath());
      KiwiKeyValueStore second = new KiwiKeyValueStore("s", Map.of());
      ProcessorStateException e =
          assertThrows(ProcessorStateException.class, () -> second.init(ctx, second));
      assertTrue(e.getMessage().contains("cannot open kiwi-db in"), e.getMessage());
    }
    TestStoreContext other = new TestStoreContext(tmp.resolve("0_1"), 1);
    try (var a = new Closer(open(other))) {
      assertEquals(other.taskDir.resolve("kiwi/s"), a.s.directory());
    }
  }

  @Test
  void plainAndTimestampedStoresRefuseEachOthersDirectories() {
    TestStoreContext ctx = context();
    open(ctx).close();
    KiwiKeyValueStore ts = new KiwiTimestampedKeyValueStore("s", Map.of());
    ProcessorStateException e = assertThrows(ProcessorStateException.class, () -> ts.init(ctx, ts));
    assertTrue(e.getMessage().contains("written as a 'kiwi-kv/1' store"), e.getMessage());
    assertFalse(ts.isOpen());
    open(ctx).close(); // the refused open left the store as it was
  }

  @Test
  void kiwiConfigComesFromStreamsConfigAndTheStoreMapWins() {
    TestStoreContext ctx =
        context().with("kiwi.block_size", "8192").with("kiwi.max_memtable_entries", 100);
    try (var c = new Closer(open(ctx, Map.of("max_memtable_entries", 7, "env", "dev")))) {
      Map<String, Object> config = c.s.engineForTests().config();
      assertEquals(8192, ((Number) config.get("block_size")).intValue());
      assertEquals(7, ((Number) config.get("max_memtable_entries")).intValue());
      assertEquals("dev", config.get("env"));
      assertEquals(false, config.get("log_broadcast_enabled"), "no log server per store");
      assertEquals(0, c.s.engineForTests().logPort());
    }
  }

  @Test
  void badKiwiConfigFailsNamingThePropertyAndItsSource() {
    ConfigException unknown =
        assertThrows(ConfigException.class, () -> open(context().with("kiwi.blok_size", 4096)));
    assertTrue(unknown.getMessage().contains("'kiwi.blok_size'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("StreamsConfig"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("unknown config key"), unknown.getMessage());

    ConfigException range =
        assertThrows(ConfigException.class, () -> open(context(), Map.of("flush_max_workers", 0)));
    assertTrue(range.getMessage().contains("KiwiStores config of store 's'"), range.getMessage());

    ConfigException type =
        assertThrows(ConfigException.class, () -> open(context().with("kiwi.block_size", "big")));
    assertTrue(type.getMessage().contains("block_size"), type.getMessage());

    assertThrows(ConfigException.class, () -> open(context().with("kiwi.block_size", List.of(1))));
    assertThrows(
        ConfigException.class,
        () -> KiwiStores.persistentKeyValueStore("s", Map.of("kiwi.block_size", 1)));
    IllegalArgumentException name =
        assertThrows(
            IllegalArgumentException.class, () -> KiwiStores.persistentKeyValueStore("a/b"));
    assertTrue(name.getMessage().contains("'a/b'"), name.getMessage());
    // A good config opens after the bad ones were refused.
    open(context()).close();
  }

  @Test
  void approximateNumEntriesCountsBufferedAndCommittedKeys() {
    try (var c = new Closer(open(context()))) {
      assertEquals(0, c.s.approximateNumEntries());
      for (int i = 0; i < 100; i++) {
        c.s.put(b("k" + i), v("v"));
      }
      assertEquals(100, c.s.approximateNumEntries());
      c.s.commit(Map.of(CHANGELOG, 1L));
      assertEquals(100, c.s.approximateNumEntries());
    }
  }

  @Test
  void valuesAreStoredAsGiven() {
    try (var c = new Closer(open(context()))) {
      byte[] binary = {0, 1, 2, (byte) 0xFF};
      c.s.put(b("bin"), binary);
      c.s.put(b("empty"), new byte[0]);
      c.s.commit(Map.of(CHANGELOG, 1L));
      assertArrayEquals(binary, c.s.get(b("bin")));
      assertArrayEquals(
          new byte[0], c.s.get(b("empty")), "an empty value is a value, not a delete");
    }
  }

  /** Closes a store at the end of a try block. */
  static final class Closer implements AutoCloseable {
    final KiwiKeyValueStore s;

    Closer(KiwiKeyValueStore s) {
      this.s = s;
    }

    @Override
    public void close() {
      s.close();
    }
  }
}
