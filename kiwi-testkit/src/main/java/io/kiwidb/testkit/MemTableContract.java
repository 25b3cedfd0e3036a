package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.api.spi.NamedProviders;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every {@link MemTable} must have (see the SPI's javadoc): internal order with
 * unsigned keys, versions and tombstones, reads at a sequence number, bidirectional iteration with
 * seeks, size accounting close to the heap really retained, and reads that stay correct while one
 * writer inserts. An implementation's test extends this class and supplies its factory.
 *
 * <p>Randomised tests take their seed from {@link SeededRandomExtension}; the seed is printed and a
 * failure can be replayed with {@code -Dkiwi.test.seed=N}.
 */
@ExtendWith(SeededRandomExtension.class)
public abstract class MemTableContract {
  /** Entries of the two heap-measuring tests: about 36 MiB of memtable. */
  private static final int HEAP_ENTRIES = 200_000;

  /** Internal order on model keys. */
  private static final Comparator<Version> ORDER =
      (a, b) -> KeyOrder.compareInternal(a.key, a.seq, b.key, b.seq);

  /** Creates the contract (subclasses only). */
  protected MemTableContract() {}

  /** The factory under test. */
  protected abstract MemTableFactory factory();

  /** A model entry: its identity is (key, seq) in internal order. */
  private record Version(byte[] key, long seq) {}

  private MemTable newTable() {
    MemTable t = factory().create();
    assertNotNull(t, "factory().create()");
    return t;
  }

  private static byte[] b(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return out;
  }

  private static byte[] s(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void put(MemTable t, byte[] key, long seq, byte[] value) {
    t.add(key, seq, EntryKind.PUT, value);
  }

  private static void del(MemTable t, byte[] key, long seq) {
    t.add(key, seq, EntryKind.DELETE, null);
  }

  private static List<InternalEntry> forward(MemTable t) {
    List<InternalEntry> out = new ArrayList<>();
    try (InternalIterator it = t.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(it.entry());
      }
    }
    return out;
  }

  private static List<InternalEntry> backward(MemTable t) {
    List<InternalEntry> out = new ArrayList<>();
    try (InternalIterator it = t.iterator()) {
      for (it.seekToLast(); it.isValid(); it.prev()) {
        out.add(it.entry());
      }
    }
    return out;
  }

  // ---- basics ---------------------------------------------------------------------------------

  @Test
  void factoryHasAStableLowerCaseNameAndIsRegistered() {
    String name = factory().name();
    assertTrue(name.matches("[a-z][a-z0-9_-]*"), "name '" + name + "' must be lower case");
    Map<String, MemTableFactory> all = NamedProviders.all(MemTableFactory.class);
    assertTrue(all.containsKey(name), "ServiceLoader must find '" + name + "', found " + all);
    assertEquals(factory().getClass(), all.get(name).getClass());
  }

  @Test
  void emptyTableHasNothing() {
    MemTable t = newTable();
    assertEquals(0, t.entryCount());
    assertTrue(t.sizeBytes() >= 0);
    assertNull(t.get(s("a"), KeyOrder.MAX_SEQUENCE));
    try (InternalIterator it = t.iterator()) {
      it.seekToFirst();
      assertFalse(it.isValid());
      it.seekToLast();
      assertFalse(it.isValid());
      it.seek(s("a"), KeyOrder.MAX_SEQUENCE);
      assertFalse(it.isValid());
      it.seekForPrev(s("a"), 0);
      assertFalse(it.isValid());
    }
  }

  @Test
  void rejectsAPutWithoutValueAndADeleteWithOne() {
    MemTable t = newTable();
    assertThrows(IllegalArgumentException.class, () -> t.add(s("k"), 1, EntryKind.PUT, null));
    assertThrows(IllegalArgumentException.class, () -> t.add(s("k"), 2, EntryKind.DELETE, s("v")));
    assertEquals(0, t.entryCount());
  }

  @Test
  void rejectsASequenceAlreadyPresentForTheSameKey() {
    MemTable t = newTable();
    t.add(b(1), 5, EntryKind.PUT, b(1));
    assertThrows(IllegalArgumentException.class, () -> t.add(b(1), 5, EntryKind.DELETE, null));
    assertEquals(1, t.entryCount());
  }

  @Test
  void rejectsSequencesOutsideTheInternalRange() {
    MemTable t = newTable();
    assertThrows(IllegalArgumentException.class, () -> t.add(b(1), -1, EntryKind.PUT, b()));
    assertThrows(
        IllegalArgumentException.class,
        () -> t.add(b(1), KeyOrder.MAX_SEQUENCE + 1, EntryKind.PUT, b()));
    assertEquals(0, t.entryCount());
  }

  @Test
  void ordersUserKeysAsUnsignedBytes() {
    MemTable t = newTable();
    byte[][] keys = {b(0x80), b(0x7f), b(0xff), b(0x00), b(0x80, 0x00), b(0x7f, 0xff), b(0x01)};
    long seq = 1;
    for (byte[] k : keys) {
      put(t, k, seq++, k);
    }
    List<byte[]> got = forward(t).stream().map(InternalEntry::key).toList();
    byte[][] expected = {b(0x00), b(0x01), b(0x7f), b(0x7f, 0xff), b(0x80), b(0x80, 0x00), b(0xff)};
    assertEquals(expected.length, got.size());
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], got.get(i), "position " + i);
    }
    // 0x80 must be greater than 0x7f: a signed comparison would put it first.
    assertArrayEquals(b(0x80), t.get(b(0x80), seq).key());
  }

  @Test
  void versionsOfOneKeyIterateNewestFirst() {
    MemTable t = newTable();
    put(t, s("k"), 3, s("v3"));
    put(t, s("k"), 10, s("v10"));
    del(t, s("k"), 7);
    put(t, s("j"), 5, s("j5"));
    put(t, s("l"), 1, s("l1"));
    List<InternalEntry> expected =
        List.of(
            InternalEntry.put(s("j"), 5, s("j5")),
            InternalEntry.put(s("k"), 10, s("v10")),
            InternalEntry.delete(s("k"), 7),
            InternalEntry.put(s("k"), 3, s("v3")),
            InternalEntry.put(s("l"), 1, s("l1")));
    assertEquals(expected, forward(t));
    List<InternalEntry> reversed = new ArrayList<>(expected);
    java.util.Collections.reverse(reversed);
    assertEquals(reversed, backward(t));
    assertEquals(5, t.entryCount());
  }

  @Test
  void getReturnsTheNewestVersionVisibleAtTheReadSequence() {
    MemTable t = newTable();
    put(t, s("k"), 3, s("v3"));
    del(t, s("k"), 7);
    put(t, s("k"), 10, s("v10"));
    put(t, s("k0"), 4, s("other"));
    assertNull(t.get(s("k"), 2), "before the first version");
    assertEquals(InternalEntry.put(s("k"), 3, s("v3")), t.get(s("k"), 3));
    assertEquals(InternalEntry.put(s("k"), 3, s("v3")), t.get(s("k"), 6));
    InternalEntry tomb = t.get(s("k"), 7);
    assertEquals(InternalEntry.delete(s("k"), 7), tomb, "tombstones are returned");
    assertTrue(tomb.isTombstone());
    assertNull(tomb.value());
    assertEquals(InternalEntry.delete(s("k"), 7), t.get(s("k"), 9));
    assertEquals(InternalEntry.put(s("k"), 10, s("v10")), t.get(s("k"), 10));
    assertEquals(InternalEntry.put(s("k"), 10, s("v10")), t.get(s("k"), KeyOrder.MAX_SEQUENCE));
    assertNull(t.get(s("j"), KeyOrder.MAX_SEQUENCE), "absent key before");
    assertNull(t.get(s("kz"), KeyOrder.MAX_SEQUENCE), "absent key after");
    assertNull(t.get(s("k00"), KeyOrder.MAX_SEQUENCE), "a key with the same prefix");
    assertEquals(InternalEntry.put(s("k0"), 4, s("other")), t.get(s("k0"), 100));
    assertNull(t.get(s("k0"), 3), "k0@4 is not visible at 3, and k's versions are not k0's");
  }

  @Test
  void seekLandsOnTheFirstEntryAtOrAfterTheInternalKey() {
    MemTable t = newTable();
    put(t, s("a"), 1, s("a1"));
    put(t, s("c"), 9, s("c9"));
    put(t, s("c"), 5, s("c5"));
    put(t, s("e"), 2, s("e2"));
    try (InternalIterator it = t.iterator()) {
      it.seek(s("c"), 7);
      assertEquals(InternalEntry.put(s("c"), 5, s("c5")), it.entry());
      it.seek(s("c"), 9);
      assertEquals(InternalEntry.put(s("c"), 9, s("c9")), it.entry());
      it.seek(s("c"), 4);
      assertEquals(InternalEntry.put(s("e"), 2, s("e2")), it.entry(), "past c's versions");
      it.seek(s("b"), 0);
      assertArrayEquals(s("c"), it.key(), "between keys");
      it.seek(s(""), KeyOrder.MAX_SEQUENCE);
      assertArrayEquals(s("a"), it.key(), "before everything");
      it.seek(s("e"), 1);
      assertFalse(it.isValid(), "after everything");
      it.seek(s("a"), 1);
      it.prev();
      assertFalse(it.isValid(), "prev from the first entry");
    }
  }

  @Test
  void seekForPrevLandsOnTheLastEntryAtOrBeforeTheInternalKey() {
    MemTable t = newTable();
    put(t, s("a"), 1, s("a1"));
    put(t, s("c"), 9, s("c9"));
    put(t, s("c"), 5, s("c5"));
    put(t, s("e"), 2, s("e2"));
    try (InternalIterator it = t.iterator()) {
      it.seekForPrev(s("c"), 7);
      assertEquals(InternalEntry.put(s("c"), 9, s("c9")), it.entry());
      it.seekForPrev(s("c"), 5);
      assertEquals(InternalEntry.put(s("c"), 5, s("c5")), it.entry(), "exact match");
      it.seekForPrev(s("c"), 10);
      assertEquals(InternalEntry.put(s("a"), 1, s("a1")), it.entry(), "before c's versions");
      it.seekForPrev(s("d"), 0);
      assertEquals(InternalEntry.put(s("c"), 5, s("c5")), it.entry(), "between keys");
      it.seekForPrev(s("z"), 0);
      assertEquals(InternalEntry.put(s("e"), 2, s("e2")), it.entry(), "after everything");
      it.seekForPrev(s("a"), 2);
      assertFalse(it.isValid(), "before everything");
      it.seekForPrev(s("e"), 0);
      it.next();
      assertFalse(it.isValid(), "next from the last entry");
    }
  }

  @Test
  void seekToLastThenPrevWalksEverythingBackward() {
    MemTable t = newTable();
    for (int i = 0; i < 300; i++) {
      put(t, s(String.format("k%04d", i % 100)), i + 1, s("v" + i));
    }
    List<InternalEntry> fwd = forward(t);
    assertEquals(300, fwd.size());
    List<InternalEntry> back = backward(t);
    java.util.Collections.reverse(back);
    assertEquals(fwd, back);
    try (InternalIterator it = t.iterator()) {
      it.seekToLast();
      assertArrayEquals(s("k0099"), it.key());
      assertEquals(100, it.seq(), "oldest version of the last key sorts last");
      // Direction changes in the middle of the table.
      it.seek(s("k0050"), KeyOrder.MAX_SEQUENCE);
      it.prev();
      assertArrayEquals(s("k0049"), it.key());
      assertEquals(50, it.seq());
      it.next();
      assertArrayEquals(s("k0050"), it.key());
      assertEquals(251, it.seq());
      it.next();
      assertEquals(151, it.seq());
    }
  }

  @Test
  void iteratorOnInvalidPositionFailsClearly() {
    MemTable t = newTable();
    put(t, s("a"), 1, s("x"));
    try (InternalIterator it = t.iterator()) {
      it.seek(s("b"), 1);
      assertFalse(it.isValid());
      assertThrows(RuntimeException.class, it::key);
    }
  }

  @Test
  void countsEntriesAndChargesAtLeastTheirBytes() {
    MemTable t = newTable();
    long before = t.sizeBytes();
    long payload = 0;
    for (int i = 0; i < 1000; i++) {
      byte[] k = s("key-" + i);
      byte[] v = new byte[i % 50];
      put(t, k, i + 1, v);
      payload += k.length + v.length;
      assertEquals(i + 1, t.entryCount());
    }
    del(t, s("key-1"), 5000);
    assertEquals(1001, t.entryCount());
    long grown = t.sizeBytes() - before;
    assertTrue(grown >= payload, "sizeBytes grew by " + grown + " < payload " + payload);
    assertTrue(grown < payload + 1001 * 200L, "sizeBytes grew by " + grown + ", implausibly much");
  }

  /**
   * {@code sizeBytes()} must be within 10% of the heap the memtable really retains: measured as the
   * growth of used heap after full GCs, with 16-byte keys and 100-byte values held only by the
   * memtable. See {@link #retainedHeap} for how the measurement is kept steady.
   */
  @Test
  void sizeBytesIsWithinTenPercentOfTheRetainedHeap(SeededRandom random) {
    int n = HEAP_ENTRIES;
    assertSizeBytesMatchesTheHeap(
        "entries",
        n,
        () -> {
          MemTable t = newTable();
          for (int i = 0; i < n; i++) {
            byte[] key = new byte[16];
            random.nextBytes(key);
            byte[] value = i % 10 == 0 ? null : new byte[100];
            t.add(key, i + 1, value == null ? EntryKind.DELETE : EntryKind.PUT, value);
          }
          return t;
        });
  }

  private void assertSizeBytesMatchesTheHeap(String what, int n, Supplier<MemTable> build) {
    long[] sizes = retainedHeap(build);
    long estimated = sizes[0];
    long measured = sizes[1];
    double error = Math.abs(estimated - measured) / (double) measured;
    System.out.printf(
        "[memtable %s] %d %s: sizeBytes=%d measured=%d (%.2f%% off, %.1f bytes/entry)%n",
        factory().name(), n, what, estimated, measured, error * 100, measured / (double) n);
    assertEquals(n, sizes[2], "entry count");
    assertTrue(
        error <= 0.10,
        "sizeBytes " + estimated + " is " + error * 100 + "% off the measured " + measured);
  }

  /**
   * Builds a memtable and returns {sizeBytes, measured retained heap, entryCount}. The heap is
   * measured after full GCs three times: before the build, with the table, and after dropping it.
   * The test JVM is not quiet: surefire's own threads buffer test output on the heap for a moment
   * (CI once saw a baseline 2.1 MB high, which failed an 18 MB measurement). Such buffers only ever
   * add to the used heap, so the smaller of the two empty-heap figures is the baseline.
   */
  private static long[] retainedHeap(Supplier<MemTable> build) {
    long before = usedHeapAfterGc();
    MemTable t = build.get();
    long with = usedHeapAfterGc();
    long[] sizes = {t.sizeBytes(), 0, t.entryCount()};
    t = null; // the only reference: the table is garbage from here on
    long after = usedHeapAfterGc();
    sizes[1] = with - Math.min(before, after);
    return sizes;
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    // Repeat until the figure settles: finalizers and soft references can free more on a 2nd run.
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  // ---- model-based ----------------------------------------------------------------------------

  /**
   * Seeded random puts and deletes over a small key space (bytes 0x00..0xff, so the unsigned order
   * matters), checked against a {@link TreeMap} model after every batch: gets at random read
   * sequences, full scans both ways, and random seeks in both directions.
   */
  @Test
  void randomOperationsMatchASortedMapModel(SeededRandom random) {
    MemTable t = newTable();
    NavigableMap<Version, InternalEntry> model = new TreeMap<>(ORDER);
    byte[][] keySpace = new byte[64][];
    for (int i = 0; i < keySpace.length; i++) {
      keySpace[i] = random.bytes(1 + random.nextInt(3));
    }
    long seq = 0;
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 100; i++) {
        byte[] key = keySpace[random.nextInt(keySpace.length)];
        seq += 1 + random.nextInt(3);
        InternalEntry e =
            random.nextInt(4) == 0
                ? InternalEntry.delete(key, seq)
                : InternalEntry.put(key, seq, random.bytes(random.nextInt(8)));
        t.add(e.key(), e.seq(), e.kind(), e.value());
        model.put(new Version(key, seq), e);
      }
      assertEquals(model.size(), t.entryCount());
      assertEquals(new ArrayList<>(model.values()), forward(t), "forward scan, round " + round);
      assertEquals(
          new ArrayList<>(model.descendingMap().values()),
          backward(t),
          "backward scan, round " + round);
      for (int i = 0; i < 200; i++) {
        byte[] key =
            random.nextBoolean()
                ? keySpace[random.nextInt(keySpace.length)]
                : random.bytes(1 + random.nextInt(3));
        long readSeq = random.nextInt((int) seq + 2);
        assertEquals(
            modelGet(model, key, readSeq), t.get(key, readSeq), "get " + Arrays.toString(key));
        try (InternalIterator it = t.iterator()) {
          Version target = new Version(key, readSeq);
          it.seek(key, readSeq);
          assertEquals(model.ceilingEntry(target) == null, !it.isValid(), "seek validity");
          if (it.isValid()) {
            assertEquals(model.ceilingEntry(target).getValue(), it.entry(), "seek");
            if (random.nextBoolean()) {
              it.prev();
              Map.Entry<Version, InternalEntry> lower = model.lowerEntry(target);
              assertEquals(
                  lower == null ? null : lower.getValue(), it.isValid() ? it.entry() : null);
            }
          }
          it.seekForPrev(key, readSeq);
          Map.Entry<Version, InternalEntry> floor = model.floorEntry(target);
          assertEquals(floor == null ? null : floor.getValue(), it.isValid() ? it.entry() : null);
          if (it.isValid()) {
            it.next();
            Map.Entry<Version, InternalEntry> higher = model.higherEntry(target);
            assertEquals(
                higher == null ? null : higher.getValue(), it.isValid() ? it.entry() : null);
          }
        }
      }
    }
  }

  private static InternalEntry modelGet(
      NavigableMap<Version, InternalEntry> model, byte[] key, long readSeq) {
    Map.Entry<Version, InternalEntry> e = model.ceilingEntry(new Version(key, readSeq));
    return e != null && Arrays.equals(e.getKey().key, key) ? e.getValue() : null;
  }

  /**
   * One writer inserts a seeded sequence of puts and deletes while several reader threads check,
   * concurrently, every read against a sorted-map model built up front. After each add the writer
   * publishes its sequence number as a watermark; every version at or below the watermark a reader
   * saw before reading must be visible, exactly as the model says, and scans must stay in order.
   * Versions above the watermark may or may not be seen (they are in flight), and are ignored.
   */
  @Test
  void readersSeeAConsistentTableWhileOneWriterInserts(SeededRandom random)
      throws InterruptedException {
    int entries = 30_000;
    int readers = 3;
    byte[][] keySpace = new byte[500][];
    for (int i = 0; i < keySpace.length; i++) {
      keySpace[i] = random.bytes(1 + random.nextInt(6));
    }
    List<InternalEntry> ops = new ArrayList<>(entries);
    NavigableMap<Version, InternalEntry> model = new TreeMap<>(ORDER);
    for (int i = 0; i < entries; i++) {
      byte[] key = keySpace[random.nextInt(keySpace.length)];
      long seq = i + 1L;
      InternalEntry e =
          random.nextInt(5) == 0
              ? InternalEntry.delete(key, seq)
              : InternalEntry.put(key, seq, random.bytes(random.nextInt(20)));
      if (model.putIfAbsent(new Version(key, seq), e) == null) {
        ops.add(e);
      }
    }
    MemTable t = newTable();
    AtomicLong watermark = new AtomicLong(0);
    AtomicBoolean done = new AtomicBoolean(false);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch start = new CountDownLatch(1);
    // The writer starts once every reader is reading, so reads really overlap the inserts.
    CountDownLatch readersRunning = new CountDownLatch(readers);
    AtomicLong overlapping = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      long readerSeed = random.nextLong();
      threads.add(
          new Thread(
              () -> {
                try {
                  start.await();
                  Random rnd = new Random(readerSeed);
                  int checks = 0;
                  while (!done.get() || checks < 200) {
                    boolean during = !done.get();
                    checkConcurrentRead(t, model, keySpace, watermark.get(), rnd);
                    if (checks++ == 0) {
                      readersRunning.countDown();
                    }
                    if (during) {
                      overlapping.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "memtable-reader-" + r));
    }
    Thread writer =
        new Thread(
            () -> {
              try {
                start.await();
                readersRunning.await();
                for (InternalEntry e : ops) {
                  t.add(e.key(), e.seq(), e.kind(), e.value());
                  watermark.set(e.seq());
                }
              } catch (Throwable e) {
                failures.add(e);
              } finally {
                done.set(true);
              }
            },
            "memtable-writer");
    threads.add(writer);
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread th : threads) {
      th.join(60_000);
      assertFalse(th.isAlive(), th.getName() + " did not finish");
    }
    if (!failures.isEmpty()) {
      AssertionError err = new AssertionError("concurrent read failed: " + failures.peek());
      failures.forEach(err::addSuppressed);
      throw err;
    }
    System.out.printf(
        "[memtable %s] %d reads checked while %d entries were inserted%n",
        factory().name(), overlapping.get(), ops.size());
    assertEquals(ops.size(), t.entryCount());
    assertEquals(new ArrayList<>(model.values()), forward(t));
  }

  private static void checkConcurrentRead(
      MemTable t,
      NavigableMap<Version, InternalEntry> model,
      byte[][] keySpace,
      long mark,
      Random rnd) {
    byte[] key = keySpace[rnd.nextInt(keySpace.length)];
    long readSeq = mark == 0 ? 0 : 1 + (long) (rnd.nextDouble() * mark);
    InternalEntry expected = modelGet(model, key, readSeq);
    InternalEntry got = t.get(key, readSeq);
    if (!java.util.Objects.equals(expected, got)) {
      throw new AssertionError(
          "get(" + Arrays.toString(key) + ", " + readSeq + ") = " + got + ", model " + expected);
    }
    // A short scan in a random direction: everything at or below the watermark must appear, in
    // order; newer entries may interleave and are skipped.
    boolean forwardScan = rnd.nextBoolean();
    List<InternalEntry> seen = new ArrayList<>();
    try (InternalIterator it = t.iterator()) {
      byte[] prevKey = null;
      long prevSeq = 0;
      if (forwardScan) {
        it.seek(key, KeyOrder.MAX_SEQUENCE);
      } else {
        it.seekForPrev(key, 0);
      }
      for (int i = 0; i < 40 && it.isValid(); i++) {
        if (prevKey != null) {
          int c = KeyOrder.compareInternal(prevKey, prevSeq, it.key(), it.seq());
          if (forwardScan ? c >= 0 : c <= 0) {
            throw new AssertionError("scan out of order at " + it.entry());
          }
        }
        prevKey = it.key();
        prevSeq = it.seq();
        if (it.seq() <= mark) {
          seen.add(it.entry());
        }
        if (forwardScan) {
          it.next();
        } else {
          it.prev();
        }
      }
      if (seen.isEmpty()) {
        return;
      }
      // The model's entries <= mark between the scan's start and the last entry seen.
      InternalEntry last = seen.get(seen.size() - 1);
      Version from = forwardScan ? new Version(key, KeyOrder.MAX_SEQUENCE) : new Version(key, 0);
      Version to = new Version(last.key(), last.seq());
      NavigableMap<Version, InternalEntry> range =
          forwardScan ? model.subMap(from, true, to, true) : model.subMap(to, true, from, true);
      List<InternalEntry> expectedSeen = new ArrayList<>();
      for (InternalEntry e : forwardScan ? range.values() : range.descendingMap().values()) {
        if (e.seq() <= mark) {
          expectedSeen.add(e);
        }
      }
      if (!expectedSeen.equals(seen)) {
        throw new AssertionError(
            (forwardScan ? "forward" : "backward")
                + " scan from "
                + Arrays.toString(key)
                + " at watermark "
                + mark
                + " saw "
                + seen
                + ", model "
                + expectedSeen);
      }
    }
  }

  // ---- bulk load (addSorted) ------------------------------------------------------------------

  /** Seeded entries over a small key space: several versions per key, a quarter tombstones. */
  private static List<InternalEntry> randomVersions(SeededRandom random, int n) {
    byte[][] keySpace = new byte[Math.max(1, n / 4)][];
    for (int i = 0; i < keySpace.length; i++) {
      keySpace[i] = random.bytes(random.nextInt(12)); // empty keys and zero bytes included
    }
    List<InternalEntry> out = new ArrayList<>(n);
    long seq = random.nextInt(10);
    for (int i = 0; i < n; i++) {
      byte[] key = keySpace[random.nextInt(keySpace.length)];
      seq += 1 + random.nextInt(3);
      out.add(
          random.nextInt(4) == 0
              ? InternalEntry.delete(key, seq)
              : InternalEntry.put(key, seq, random.bytes(random.nextInt(20))));
    }
    return out;
  }

  /** Loads {@code entries}, sorted first, through {@link MemTable#addSorted}. */
  private static void addSorted(MemTable t, List<InternalEntry> entries) {
    List<InternalEntry> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> KeyOrder.compareInternal(a.key(), a.seq(), b.key(), b.seq()));
    int n = sorted.size();
    byte[][] keys = new byte[n][];
    long[] seqs = new long[n];
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = sorted.get(i).key();
      seqs[i] = sorted.get(i).seq();
      values[i] = sorted.get(i).value();
    }
    t.addSorted(keys, seqs, values, n);
  }

  /**
   * A bulk load of sorted entries (duplicate keys with several sequence numbers, tombstones, empty
   * keys) leaves the memtable exactly as one add per entry does: same count, same scans both ways,
   * same answer to every get at every read sequence; and when the implementation states a per-entry
   * charge, {@code sizeBytes()} grows by exactly the sum of those charges (recovery relies on it to
   * freeze bulk-built memtables at the right record).
   */
  @Test
  void bulkLoadEqualsOneByOneAdds(SeededRandom random) {
    for (int n : new int[] {1, 2, 3, 4, 5, 15, 16, 17, 64, 1000, 5000}) {
      List<InternalEntry> entries = randomVersions(random, n);
      MemTable oneByOne = newTable();
      for (InternalEntry e : entries) {
        oneByOne.add(e.key(), e.seq(), e.kind(), e.value());
      }
      MemTable bulk = newTable();
      long empty = bulk.sizeBytes();
      long charges = 0;
      for (InternalEntry e : entries) {
        long c = bulk.sortedEntryBytes(e.key(), e.value());
        charges = c < 0 || charges < 0 ? -1 : charges + c;
      }
      addSorted(bulk, entries);
      assertEquals(n, bulk.entryCount(), "entryCount after bulk load of " + n);
      assertEquals(forward(oneByOne), forward(bulk), "forward scan, n=" + n);
      assertEquals(backward(oneByOne), backward(bulk), "backward scan, n=" + n);
      long maxSeq = entries.get(entries.size() - 1).seq();
      for (InternalEntry e : entries) {
        for (long readSeq : new long[] {e.seq(), e.seq() - 1, maxSeq + 1}) {
          assertEquals(oneByOne.get(e.key(), readSeq), bulk.get(e.key(), readSeq), "get " + e);
        }
        try (InternalIterator a = oneByOne.iterator();
            InternalIterator b = bulk.iterator()) {
          a.seek(e.key(), e.seq() + 1);
          b.seek(e.key(), e.seq() + 1);
          assertEquals(a.entry(), b.entry(), "seek to " + e);
        }
      }
      if (charges >= 0) {
        assertEquals(empty + charges, bulk.sizeBytes(), "sizeBytes = empty + sortedEntryBytes");
      } else {
        assertTrue(bulk.sizeBytes() >= empty + n, "sizeBytes must grow");
      }
    }
  }

  /** As {@link #sizeBytesIsWithinTenPercentOfTheRetainedHeap}, for a bulk-loaded memtable. */
  @Test
  void bulkLoadedSizeBytesIsWithinTenPercentOfTheRetainedHeap(SeededRandom random) {
    int n = HEAP_ENTRIES;
    assertSizeBytesMatchesTheHeap(
        "bulk-loaded entries",
        n,
        () -> {
          MemTable t = newTable();
          byte[][] keys = new byte[n][];
          for (int i = 0; i < n; i++) {
            keys[i] = new byte[16];
            random.nextBytes(keys[i]);
          }
          Arrays.sort(keys, KeyOrder.USER_KEYS);
          long[] seqs = new long[n];
          byte[][] values = new byte[n][];
          for (int i = 0; i < n; i++) {
            seqs[i] = (long) n - i; // descending, in case two random keys are equal
            values[i] = i % 10 == 0 ? null : new byte[100];
          }
          t.addSorted(keys, seqs, values, n);
          return t; // the three arrays die with this frame: only the memtable holds the entries
        });
  }

  @Test
  void bulkLoadOfNothingLeavesTheTableEmpty() {
    MemTable t = newTable();
    long size = t.sizeBytes();
    t.addSorted(new byte[0][], new long[0], new byte[0][], 0);
    t.addSorted(new byte[][] {s("a")}, new long[] {1}, new byte[][] {s("v")}, 0);
    assertEquals(0, t.entryCount());
    assertEquals(size, t.sizeBytes());
    assertTrue(forward(t).isEmpty());
    put(t, s("a"), 1, s("v")); // still usable
    assertEquals(List.of(InternalEntry.put(s("a"), 1, s("v"))), forward(t));
  }

  /** A bulk load of only tombstones, all versions of one key: deletes are kept as such. */
  @Test
  void bulkLoadKeepsTombstonesAndVersionOrder() {
    MemTable t = newTable();
    byte[] k = s("k");
    t.addSorted(
        new byte[][] {k, k, k, s("l")},
        new long[] {9, 5, 2, 3},
        new byte[][] {null, s("v5"), null, null},
        4);
    assertEquals(
        List.of(
            InternalEntry.delete(k, 9),
            InternalEntry.put(k, 5, s("v5")),
            InternalEntry.delete(k, 2),
            InternalEntry.delete(s("l"), 3)),
        forward(t));
    assertEquals(InternalEntry.delete(k, 9), t.get(k, 100));
    assertEquals(InternalEntry.put(k, 5, s("v5")), t.get(k, 8));
    assertEquals(InternalEntry.delete(k, 2), t.get(k, 4));
    assertNull(t.get(k, 1));
  }

  /**
   * Input out of internal order is rejected before anything is added, with a message naming the
   * index: keys descending, versions of one key in ascending sequence order (arrival order, a
   * caller that forgot to sort), and the same (key, sequence) twice.
   */
  @Test
  void bulkLoadRejectsUnsortedInputClearly() {
    byte[] a = s("a");
    byte[] b = s("b");
    byte[][][] keyCases = {{a, b, a}, {a, a}, {a, a}};
    long[][] seqCases = {{1, 2, 3}, {1, 2}, {4, 4}};
    for (int c = 0; c < keyCases.length; c++) {
      MemTable t = newTable();
      put(t, s("z"), 100, s("old"));
      long size = t.sizeBytes();
      int n = keyCases[c].length;
      byte[][] values = new byte[n][];
      Arrays.fill(values, s("v"));
      byte[][] keys = keyCases[c];
      long[] seqs = seqCases[c];
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> t.addSorted(keys, seqs, values, n));
      assertTrue(
          e.getMessage().contains("entry " + (n - 1)) && e.getMessage().contains("order"),
          "message must name the entry and the order: " + e.getMessage());
      assertEquals(1, t.entryCount(), "nothing added");
      assertEquals(size, t.sizeBytes(), "nothing charged");
      assertEquals(List.of(InternalEntry.put(s("z"), 100, s("old"))), forward(t));
      // The same input into an empty table fails the same way.
      MemTable empty = newTable();
      assertThrows(IllegalArgumentException.class, () -> empty.addSorted(keys, seqs, values, n));
      assertEquals(0, empty.entryCount());
    }
    MemTable t = newTable();
    assertThrows(
        IllegalArgumentException.class,
        () -> t.addSorted(new byte[][] {a}, new long[] {-1}, new byte[][] {null}, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> t.addSorted(new byte[][] {a}, new long[] {1}, new byte[][] {null}, 2));
    assertThrows(
        NullPointerException.class,
        () -> t.addSorted(new byte[][] {null}, new long[] {1}, new byte[][] {null}, 1));
    assertEquals(0, t.entryCount());
  }

  /**
   * Bulk loads into a table that already holds entries, and adds after a bulk load, interleave with
   * the earlier entries as adds would.
   */
  @Test
  void bulkLoadMixesWithAdds(SeededRandom random) {
    List<InternalEntry> all = randomVersions(random, 600);
    MemTable oneByOne = newTable();
    for (InternalEntry e : all) {
      oneByOne.add(e.key(), e.seq(), e.kind(), e.value());
    }
    MemTable mixed = newTable();
    addSorted(mixed, all.subList(0, 200));
    for (InternalEntry e : all.subList(200, 400)) {
      mixed.add(e.key(), e.seq(), e.kind(), e.value());
    }
    addSorted(mixed, all.subList(400, 600));
    assertEquals(600, mixed.entryCount());
    assertEquals(forward(oneByOne), forward(mixed));
    assertEquals(backward(oneByOne), backward(mixed));
  }

  /**
   * Readers running during a bulk load see a consistent table: every scan is in internal order and
   * holds only loaded entries, and once the load returns they see all of it.
   */
  @Test
  void readersStayConsistentDuringABulkLoad(SeededRandom random) throws InterruptedException {
    List<InternalEntry> entries = randomVersions(random, 50_000);
    MemTable t = newTable();
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch started = new CountDownLatch(2);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader =
          new Thread(
              () -> {
                started.countDown();
                while (!done.get() && failures.isEmpty()) {
                  List<InternalEntry> seen = forward(t);
                  for (int i = 1; i < seen.size(); i++) {
                    InternalEntry p = seen.get(i - 1);
                    InternalEntry q = seen.get(i);
                    if (KeyOrder.compareInternal(p.key(), p.seq(), q.key(), q.seq()) >= 0) {
                      failures.add("scan out of order at " + i + ": " + p + " then " + q);
                    }
                  }
                }
              });
      reader.start();
      readers.add(reader);
    }
    started.await();
    addSorted(t, entries);
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertEquals(entries.size(), forward(t).size());
  }
}
