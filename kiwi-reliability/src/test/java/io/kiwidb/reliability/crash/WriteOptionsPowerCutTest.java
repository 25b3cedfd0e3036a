package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
import static io.kiwidb.reliability.crash.CrashTesting.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.StorageEngine;
import io.kiwidb.api.WriteOptions;
import io.kiwidb.api.WriteOptions.Sync;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 20, item 1: per-write options under a power cut, through the whole engine on the
 * fault-injecting in-memory disk. With {@code wal_sync_mode=none}, several threads write unique
 * keys with a seeded mix of {@link WriteOptions#SYNC}, {@link WriteOptions#NO_SYNC}, the default
 * (which is no sync here) and {@link WriteOptions#NO_WAL}; part way through, {@code flush(true)}
 * runs, and later, while the writers still run, the power goes: every I/O fails and whatever was
 * not synced is dropped. After reopening:
 *
 * <ul>
 *   <li>every acknowledged {@code SYNC} write is there;
 *   <li>every write acknowledged before {@code flush(true)} returned is there, unlogged ones too;
 *   <li>the logged writes that survive are a prefix in sequence order: no acknowledged logged write
 *       is missing below the highest surviving sequence number (each acknowledged write's sequence
 *       is read with {@code trace} before the cut);
 *   <li>no unlogged write made after the flush is there (the memtables are large enough that no
 *       other flush runs), so {@code disableWal} really skipped the log;
 *   <li>every surviving key has its value and its sequence number from before the cut.
 * </ul>
 *
 * <p>The option mix, the keys and the cut point come from the printed seed ({@code
 * -Dkiwi.test.seed=N} replays them); the threads' interleaving is the scheduler's.
 */
@ExtendWith(SeededRandomExtension.class)
class WriteOptionsPowerCutTest {
  private static final Path ROOT = Path.of("/db");
  private static final int THREADS = 4;
  private static final int WRITES_PER_THREAD = 300;
  private static final WriteOptions[] MIX = {
    WriteOptions.SYNC, WriteOptions.NO_SYNC, WriteOptions.DEFAULTS, WriteOptions.NO_WAL
  };

  /**
   * One acknowledged write: its key, options, value and the sequence number it got; whether it
   * returned before {@code flush(true)} was called, and whether it started after that returned.
   */
  record Acked(
      String key,
      WriteOptions options,
      String value,
      long seq,
      boolean beforeFlush,
      boolean afterFlush) {
    boolean logged() {
      return !options.disableWal();
    }
  }

  @RepeatedTest(3)
  void syncedWritesSurviveAndUnsyncedOnesSurviveAsAPrefix(SeededRandom random) throws Exception {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    Map<String, Object> config = CrashTesting.tinyConfig("none");
    config.put("max_memtable_entries", 100_000); // no flush but the test's own
    CrashTesting.writeConfig(fs, ROOT, config);
    StorageEngine engine = LsmEngine.open(fs, ROOT, null);

    int flushAfter = THREADS * WRITES_PER_THREAD / 4 + random.nextInt(THREADS * 50);
    int cutAfter = THREADS * WRITES_PER_THREAD / 2 + random.nextInt(THREADS * 100);
    long[] threadSeeds = new long[THREADS];
    for (int t = 0; t < THREADS; t++) {
      threadSeeds[t] = random.nextLong();
    }
    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    AtomicInteger done = new AtomicInteger();
    CountDownLatch flushReached = new CountDownLatch(1);
    CountDownLatch flushDone = new CountDownLatch(1);
    CountDownLatch cutReached = new CountDownLatch(1);
    // A write is "before the flush" if it returned before flush(true) was called, "after" if it
    // started once flush(true) had returned; one racing with the flush is neither.
    AtomicBoolean flushStarted = new AtomicBoolean();
    AtomicBoolean flushReturned = new AtomicBoolean();
    Map<String, WriteOptions> attempted = new ConcurrentHashMap<>();
    List<Thread> writers = new ArrayList<>();
    List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                Random r = new Random(threadSeeds[id]);
                for (int i = 0; i < WRITES_PER_THREAD; i++) {
                  if (done.get() >= flushAfter) {
                    // New writes wait for flush(true), so the cut below comes after it: at most
                    // one write per thread races with the flush.
                    awaitQuietly(flushDone);
                  }
                  String key = "t" + id + "-" + i;
                  String value = "v" + r.nextInt(1_000_000);
                  WriteOptions o = MIX[r.nextInt(MIX.length)];
                  boolean after = flushReturned.get();
                  attempted.put(key, o);
                  long seq;
                  try {
                    engine.put(b(key), b(value), o);
                    seq = sequenceOf(engine, key);
                  } catch (RuntimeException e) {
                    return; // the power is gone: this write and later ones are unacknowledged
                  }
                  boolean before = !flushStarted.get();
                  acked.add(new Acked(key, o, value, seq, before, after));
                  int n = done.incrementAndGet();
                  if (n == flushAfter) {
                    flushReached.countDown();
                  }
                  if (n == cutAfter) {
                    // The power goes now, from a writer, so the other writers are mid-write.
                    fs.failAt(
                        FaultInjectingFileSystem.Op.ALL, 1, FaultInjectingFileSystem.Fault.CRASH);
                    cutReached.countDown();
                  }
                }
              },
              "writer-" + t);
      w.setUncaughtExceptionHandler((th, e) -> unexpected.add(e));
      writers.add(w);
      w.start();
    }
    assertTrue(flushReached.await(60, TimeUnit.SECONDS), "the writers reached the flush point");
    flushStarted.set(true);
    try {
      assertTrue(engine.flush(true), "the flush had a memtable to write");
      flushReturned.set(true);
    } finally {
      flushDone.countDown();
    }
    assertTrue(cutReached.await(60, TimeUnit.SECONDS), "the writers reached the cut point");
    for (Thread w : writers) {
      w.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(w.isAlive(), w.getName() + " stopped");
    }
    CrashTesting.closeQuietly(engine); // fails: the disk is gone
    fs.crash();
    assertEquals(List.of(), unexpected);

    try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
      check(new ArrayList<>(acked), attempted, reopened, random.seed());
    }
  }

  private static void check(
      List<Acked> acked, Map<String, WriteOptions> attempted, StorageEngine reopened, long seed) {
    long maxSurvivingLogged = 0;
    int survivingLogged = 0;
    int synced = 0;
    for (Acked a : acked) {
      Optional<byte[]> got = reopened.get(b(a.key()));
      String where = "seed " + seed + ": " + a;
      if (got.isPresent()) {
        assertEquals(a.value(), s(got.get()), where + ": wrong value");
        assertEquals(a.seq(), sequenceOf(reopened, a.key()), where + ": wrong sequence");
        if (a.logged()) {
          maxSurvivingLogged = Math.max(maxSurvivingLogged, a.seq());
          survivingLogged++;
        }
      }
      if (a.options().sync() == Sync.SYNC) {
        synced++;
        assertTrue(got.isPresent(), where + ": an acknowledged synced write was lost");
      }
      if (a.beforeFlush()) {
        assertTrue(got.isPresent(), where + ": flush(true) returned, yet the write was lost");
      } else if (a.afterFlush() && !a.logged()) {
        assertTrue(got.isEmpty(), where + ": an unlogged write after the flush survived the cut");
      }
    }
    // Logged writes in flight at the cut (never acknowledged) may have survived too: their
    // sequence numbers count for the prefix as well. Nothing but attempted writes may be there.
    for (String key : CrashTesting.scan(reopened).keySet()) {
      WriteOptions o = attempted.get(key);
      assertTrue(o != null, "seed " + seed + ": " + key + " was never written");
      if (!o.disableWal()) {
        maxSurvivingLogged = Math.max(maxSurvivingLogged, sequenceOf(reopened, key));
      }
    }
    List<Acked> holes = new ArrayList<>();
    for (Acked a : acked) {
      if (a.logged() && a.seq() < maxSurvivingLogged && reopened.get(b(a.key())).isEmpty()) {
        holes.add(a);
      }
    }
    if (!holes.isEmpty()) {
      fail(
          "seed "
              + seed
              + ": logged writes below the highest surviving sequence "
              + maxSurvivingLogged
              + " are missing (not a prefix): "
              + holes.subList(0, Math.min(10, holes.size())));
    }
    assertTrue(synced > 0, "seed " + seed + ": the mix had synced writes");
    assertTrue(
        acked.stream().anyMatch(a -> a.logged() && reopened.get(b(a.key())).isEmpty())
            || acked.size() < THREADS * WRITES_PER_THREAD,
        "seed " + seed + ": the cut landed inside the workload");
    System.out.printf(
        "[figures] write options power cut (seed %d): %d acknowledged, %d synced, %d logged"
            + " survived, prefix through seq %d%n",
        seed, acked.size(), synced, survivingLogged, maxSurvivingLogged);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("flush(true) did not return within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The sequence number of a key's newest version, from a lookup trace. */
  private static long sequenceOf(StorageEngine engine, String key) {
    LookupTrace trace = engine.trace(b(key));
    for (LookupTrace.Step step : trace.steps()) {
      if (step.answer() == LookupTrace.Answer.FOUND) {
        return step.seq();
      }
    }
    throw new AssertionError("trace found no value for " + key + ": " + trace.steps());
  }
}
