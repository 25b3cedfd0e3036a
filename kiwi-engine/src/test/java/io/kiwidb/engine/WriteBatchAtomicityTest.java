package io.kiwidb.engine;

import static io.kiwidb.engine.EngineTestSupport.ROOT;
import static io.kiwidb.engine.EngineTestSupport.b;
import static io.kiwidb.engine.EngineTestSupport.s;
import static io.kiwidb.engine.EngineTestSupport.writeConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.ScanOptions;
import io.kiwidb.api.Snapshot;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.WalReplay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 9: a {@link WriteBatch} is one WAL record, survives a power cut at any I/O step either
 * whole or not at all, and becomes visible to concurrent readers all at once.
 */
@ExtendWith(SeededRandomExtension.class)
class WriteBatchAtomicityTest {
  private static final int KEYS = 20;

  private static FaultInjectingFileSystem freshStore() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    writeConfig(fs, ROOT, Map.of("max_memtable_entries", 1000));
    return fs;
  }

  /** Keys b00..b19 at "old" plus "doomed"; the batch overwrites them all and deletes "doomed". */
  private static void writeBase(LsmEngine engine) {
    for (int i = 0; i < KEYS; i++) {
      engine.put(key(i), b("old" + i));
    }
    engine.put(b("doomed"), b("here"));
  }

  /** About 80 KB, so its WAL record spans several 32 KiB blocks and many appends. */
  private static WriteBatch bigBatch() {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < KEYS; i++) {
      byte[] value = new byte[4000];
      java.util.Arrays.fill(value, (byte) ('a' + i % 26));
      value[0] = (byte) i;
      batch.put(key(i), value);
    }
    batch.delete(b("doomed"));
    return batch;
  }

  private static byte[] key(int i) {
    return b(String.format("b%02d", i));
  }

  @Test
  void aBatchIsOneWalRecord() {
    FaultInjectingFileSystem fs = freshStore();
    try (LsmEngine engine = LsmEngine.open(fs, ROOT, null)) {
      engine.put(b("single"), b("1"));
      engine.write(bigBatch());
      List<Integer> recordSizes = new ArrayList<>();
      WalReplay.Result r =
          WalReplay.replay(
              fs,
              ROOT.resolve("wal"),
              RecoveryMode.STRICT,
              (firstSeq, batch) -> recordSizes.add(batch.operations().size()));
      assertEquals(List.of(1, KEYS + 1), recordSizes);
      assertEquals(2, r.records());
      assertEquals(KEYS + 2, r.entries());
    }
  }

  /**
   * Counts the mutating I/O operations the batch's write makes, then, for every k up to that count,
   * repeats the workload with a power cut at the k-th one and checks that after reopen the batch is
   * there whole or not at all (and whole if {@code write} returned).
   */
  @Test
  void aPowerCutAtEveryIoStepLeavesAllOrNothing() {
    long steps;
    FaultInjectingFileSystem counting = freshStore();
    try (LsmEngine engine = LsmEngine.open(counting, ROOT, null)) {
      writeBase(engine);
      long before = counting.count(Op.MUTATING);
      engine.write(bigBatch());
      steps = counting.count(Op.MUTATING) - before;
    }
    assertTrue(steps >= 2, "the batch must be written and synced, took " + steps + " steps");
    int whole = 0;
    int none = 0;
    for (long k = 1; k <= steps + 1; k++) {
      FaultInjectingFileSystem fs = freshStore();
      LsmEngine engine = LsmEngine.open(fs, ROOT, null);
      writeBase(engine);
      fs.failAt(Op.MUTATING, k, Fault.CRASH);
      boolean acknowledged;
      try {
        engine.write(bigBatch());
        acknowledged = true;
      } catch (RuntimeException e) {
        acknowledged = false;
      }
      fs.failAt(Op.ALL, 1, Fault.CRASH);
      try {
        engine.close();
      } catch (RuntimeException expected) {
        // The process is dead; close cannot write.
      }
      fs.crash();
      try (LsmEngine reopened = LsmEngine.open(fs, ROOT, null)) {
        boolean applied = checkAllOrNothing(reopened, "crash at mutating op " + k + " of " + steps);
        if (acknowledged) {
          assertTrue(applied, "an acknowledged batch was lost (crash at op " + k + ")");
        }
        if (applied) {
          whole++;
        } else {
          none++;
        }
      }
    }
    assertTrue(
        whole > 0 && none > 0, "both outcomes must occur: whole " + whole + ", none " + none);
  }

  /**
   * A power cut may also leave part of the last append on disk (a torn write), which the crash of
   * {@link io.kiwidb.testkit.InMemoryFileSystem} does not produce by itself. So: write the base and
   * the batch, copy the store, and reopen copies whose WAL segment is cut inside the batch's
   * record, at block boundaries and at a spread of offsets between them. Recovery must drop the
   * torn record whole.
   */
  @Test
  void aTornBatchRecordIsDroppedWhole() throws Exception {
    FaultInjectingFileSystem fs = freshStore();
    long recordStart;
    try (LsmEngine engine = LsmEngine.open(fs, ROOT, null)) {
      writeBase(engine);
      recordStart = walBytes(fs).length;
      engine.write(bigBatch());
    }
    Path wal = onlyWalSegment(fs);
    byte[] full = ((InMemoryFileSystem) fs.delegate()).contents(wal);
    assertTrue(full.length - recordStart > 80_000, "the record spans several blocks");
    java.util.TreeSet<Long> cuts = new java.util.TreeSet<>();
    for (long off = recordStart; off <= full.length; off += 1999) {
      cuts.add(off);
    }
    for (long block = 32 * 1024; block < full.length; block += 32 * 1024) {
      cuts.add(block - 1);
      cuts.add(block);
      cuts.add(block + 1);
    }
    for (long off = full.length - 8L; off <= full.length; off++) {
      cuts.add(off);
    }
    for (long cut : cuts.subSet(recordStart, true, (long) full.length, true)) {
      InMemoryFileSystem copy = copyStore(fs, wal, java.util.Arrays.copyOf(full, (int) cut));
      try (LsmEngine reopened = LsmEngine.open(copy, ROOT, null)) {
        boolean applied = checkAllOrNothing(reopened, "WAL cut at " + cut + " of " + full.length);
        assertEquals(cut == full.length, applied, "cut at " + cut + " of " + full.length);
      }
    }
  }

  private static byte[] walBytes(FaultInjectingFileSystem fs) throws java.io.IOException {
    return ((InMemoryFileSystem) fs.delegate()).contents(onlyWalSegment(fs));
  }

  private static Path onlyWalSegment(FaultInjectingFileSystem fs) throws java.io.IOException {
    List<Path> segments = fs.list(ROOT.resolve("wal"));
    assertEquals(1, segments.size(), segments.toString());
    return segments.get(0);
  }

  /** A durable copy of the store's files, with {@code replaced} holding {@code contents}. */
  private static InMemoryFileSystem copyStore(
      FaultInjectingFileSystem fs, Path replaced, byte[] contents) throws java.io.IOException {
    InMemoryFileSystem from = (InMemoryFileSystem) fs.delegate();
    InMemoryFileSystem to = new InMemoryFileSystem();
    for (Path dir : List.of(ROOT, ROOT.resolve("wal"), ROOT.resolve("sst"))) {
      to.createDirectories(dir);
      for (Path p : from.list(dir)) {
        if (p.equals(ROOT.resolve("wal"))
            || p.equals(ROOT.resolve("sst"))
            || p.equals(ROOT.resolve("logs"))) {
          continue;
        }
        byte[] bytes = p.equals(replaced) ? contents : from.contents(p);
        try (WritableFile f = to.create(p)) {
          f.append(bytes);
          f.sync();
        }
      }
      to.syncDirectory(dir);
    }
    return to;
  }

  /** Whether the batch is applied; fails if it is half there. */
  private static boolean checkAllOrNothing(LsmEngine engine, String when) {
    int newCount = 0;
    for (int i = 0; i < KEYS; i++) {
      byte[] v = engine.get(key(i)).orElseThrow(() -> new AssertionError(when + ": key lost"));
      if (v.length == 4000) {
        assertEquals(i, v[0], when);
        newCount++;
      } else {
        assertEquals("old" + i, s(v), when);
      }
    }
    Optional<byte[]> doomed = engine.get(b("doomed"));
    int applied = newCount + (doomed.isEmpty() ? 1 : 0);
    assertTrue(
        applied == 0 || applied == KEYS + 1,
        when + ": half a batch survived (" + applied + " of " + (KEYS + 1) + " operations)");
    return applied > 0;
  }

  /**
   * A writer replaces ten keys by batches (every seventh batch deletes them all) while readers read
   * them through iterators and snapshots; with a tiny memtable the batches cross flushes and
   * compactions. No reader may ever see two batches mixed.
   */
  @Test
  void concurrentReadersNeverSeeHalfABatch(SeededRandom random) throws Exception {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    writeConfig(
        fs,
        ROOT,
        Map.of(
            "max_memtable_entries", 64,
            "l0_compaction_threshold", 2,
            "compaction_check_interval", 0.01));
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (LsmEngine engine = LsmEngine.open(fs, ROOT, null)) {
      Future<?> writer =
          pool.submit(
              () -> {
                try {
                  // 1500 batches take well under 0.1 s, so the writer also goes on until the
                  // readers have read: on a loaded machine their threads may start only after it.
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                  for (int n = 1;
                      n <= 1500 || (reads.get() <= 10 && System.nanoTime() < deadline);
                      n++) {
                    WriteBatch batch = new WriteBatch();
                    for (int i = 0; i < 10; i++) {
                      if (n % 7 == 0) {
                        batch.delete(b("r" + i));
                      } else {
                        batch.put(b("r" + i), b(Integer.toString(n)));
                      }
                    }
                    engine.write(batch);
                  }
                } finally {
                  done.set(true);
                }
                return null;
              });
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        boolean viaIterator = t == 0;
        long seed = random.nextLong();
        readers.add(
            pool.submit(
                () -> {
                  java.util.Random r = new java.util.Random(seed);
                  while (!done.get()) {
                    Set<String> values =
                        viaIterator ? readByIterator(engine, r) : readBySnapshot(engine);
                    reads.incrementAndGet();
                    if (values.size() > 1) {
                      throw new AssertionError("a reader saw batches mixed: " + values);
                    }
                  }
                  return null;
                }));
      }
      writer.get(2, TimeUnit.MINUTES);
      for (Future<?> f : readers) {
        f.get(2, TimeUnit.MINUTES);
      }
      assertTrue(engine.stats().counters().flushes() > 0, "batches must cross flushes");
    } finally {
      pool.shutdownNow();
    }
    assertTrue(reads.get() > 10, "the readers must have read, read " + reads.get());
  }

  /** The values of r0..r9 in one iterator pass (forward or backward); "absent" for a gap. */
  private static Set<String> readByIterator(LsmEngine engine, java.util.Random r) {
    Set<String> values = new HashSet<>();
    int seen = 0;
    try (KiwiIterator it = engine.iterator(ScanOptions.prefix(b("r")))) {
      boolean forward = r.nextBoolean();
      if (forward) {
        it.seekToFirst();
      } else {
        it.seekToLast();
      }
      while (it.isValid()) {
        values.add(s(it.value()));
        seen++;
        if (forward) {
          it.next();
        } else {
          it.prev();
        }
      }
    }
    if (seen != 0 && seen != 10) {
      values.add("absent");
    }
    return values;
  }

  private static Set<String> readBySnapshot(LsmEngine engine) {
    Set<String> values = new HashSet<>();
    try (Snapshot snap = engine.snapshot()) {
      for (int i = 0; i < 10; i++) {
        values.add(engine.get(b("r" + i), snap).map(EngineTestSupport::s).orElse("absent"));
      }
    }
    return values;
  }
}
