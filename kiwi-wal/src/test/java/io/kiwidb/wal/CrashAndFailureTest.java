package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Power loss at every mutating file operation, and failed writes and syncs. What survives is always
 * a prefix of what was written, and in {@code always} mode it holds every acknowledged batch.
 */
@ExtendWith(SeededRandomExtension.class)
class CrashAndFailureTest {

  /** One run of a small workload (appends, rolls, a deletion) that stops at the first failure. */
  private static final class Workload {
    final List<WalTesting.Rec> attempted = new ArrayList<>();
    final List<WalTesting.Rec> acked = new ArrayList<>();
    long deletedThrough;

    void run(WalTesting.Appender wal, Random random, int batches) {
      try {
        for (int i = 0; i < batches; i++) {
          WalBatch b = WalTesting.randomBatch(random, 3, i % 7 == 0 ? 20_000 : 200);
          long expectedSeq =
              attempted.isEmpty()
                  ? wal.lastSequence() + 1
                  : attempted.get(attempted.size() - 1).firstSeq()
                      + attempted.get(attempted.size() - 1).batch().count();
          attempted.add(new WalTesting.Rec(expectedSeq, b));
          long seq = wal.append(b);
          assertEquals(expectedSeq, seq);
          acked.add(new WalTesting.Rec(seq, b));
          if (i % 5 == 4) {
            wal.roll();
          }
          if (i == 12) {
            deletedThrough = acked.get(5).firstSeq();
            wal.deleteSegmentsThrough(deletedThrough);
          }
        }
        wal.close();
      } catch (KiwiIOException | BackgroundErrorException e) {
        // the simulated crash
      }
    }
  }

  /**
   * Checks that {@code replayed} is a contiguous run of {@code attempted} that starts where
   * deletion allows and holds every acknowledged batch above the deletion point when {@code
   * mustHoldAcked}.
   */
  private static void assertPrefix(
      Workload w,
      List<WalTesting.Rec> before,
      List<WalTesting.Rec> replayed,
      boolean mustHoldAcked) {
    List<WalTesting.Rec> all = new ArrayList<>(before);
    all.addAll(w.attempted);
    int start = 0;
    if (!replayed.isEmpty()) {
      while (start < all.size() && all.get(start).firstSeq() != replayed.get(0).firstSeq()) {
        assertTrue(
            all.get(start).firstSeq() <= w.deletedThrough,
            "batch " + all.get(start).firstSeq() + " missing but never deleted");
        start++;
      }
    }
    assertTrue(start + replayed.size() <= all.size(), "replayed more than was written");
    WalTesting.assertSameRecords(all.subList(start, start + replayed.size()), replayed);
    if (mustHoldAcked) {
      long last = replayed.isEmpty() ? 0 : replayed.get(replayed.size() - 1).firstSeq();
      for (WalTesting.Rec r : w.acked) {
        assertTrue(
            r.firstSeq() <= w.deletedThrough || r.firstSeq() <= last,
            "acknowledged batch " + r.firstSeq() + " lost");
      }
    }
  }

  private void crashAtEveryMutatingOperation(SyncMode mode, long seed) {
    long totalOps;
    {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      WalTesting.Appender wal = WalTesting.openEmpty(fs, mode);
      new Workload().run(wal, new Random(seed), 25);
      totalOps = fs.count(Op.MUTATING);
    }
    for (long k = 1; k <= totalOps; k++) {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      fs.failAt(Op.MUTATING, k, Fault.CRASH);
      Workload first = new Workload();
      try {
        WalTesting.Appender wal = WalTesting.openEmpty(fs, mode);
        first.run(wal, new Random(seed), 25);
      } catch (KiwiIOException e) {
        // crashed inside open
      }
      fs.crash();
      // Recover (strictly: a crash must never look like corruption), write more, crash again.
      List<WalTesting.Rec> recovered = new ArrayList<>();
      WalTesting.Appender wal = WalTesting.reopen(fs, mode, recovered);
      assertPrefix(first, List.of(), recovered, mode == SyncMode.ALWAYS);
      Workload second = new Workload();
      second.run(wal, new Random(seed + k), 3);
      fs.crash();
      List<WalTesting.Rec> again = WalTesting.replayAll(fs, RecoveryMode.STRICT);
      List<WalTesting.Rec> expected = new ArrayList<>(recovered);
      if (mode == SyncMode.ALWAYS) {
        expected.addAll(second.acked);
        WalTesting.assertSameRecords(expected, again);
      } else {
        assertPrefix(second, recovered, again, false);
      }
    }
  }

  @Test
  void inAlwaysModeEveryAcknowledgedBatchSurvivesACrashAtAnyOperation(SeededRandom random) {
    crashAtEveryMutatingOperation(SyncMode.ALWAYS, random.nextLong());
  }

  @Test
  void inNoneModeWhatSurvivesACrashIsAPrefix(SeededRandom random) {
    crashAtEveryMutatingOperation(SyncMode.NONE, random.nextLong());
  }

  @Test
  void aFailedSyncPoisonsTheLogAndIsNeverRetried() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS);
    wal.append(WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0));
    fs.failAt(Op.SYNC, 1, Fault.TRANSIENT); // fails once; the disk "recovers" at once
    KiwiIOException first =
        assertThrows(
            KiwiIOException.class,
            () -> wal.append(WalBatch.put(Bytes.utf8("b"), Bytes.utf8("2"), 0)));
    assertTrue(first.getMessage().startsWith("sync /db/wal/000001.log"), first.getMessage());
    long syncs = fs.count(Op.SYNC);
    BackgroundErrorException later =
        assertThrows(
            BackgroundErrorException.class,
            () -> wal.append(WalBatch.put(Bytes.utf8("c"), Bytes.utf8("3"), 0)));
    assertSame(first, later.getCause());
    assertThrows(BackgroundErrorException.class, wal::roll);
    assertThrows(BackgroundErrorException.class, wal::sync);
    assertSame(first, wal.log.failure());
    wal.close(); // closes without another fsync
    assertEquals(syncs, fs.count(Op.SYNC), "a failed fsync must not be retried");
  }

  @Test
  void aFailedOrPartialWritePoisonsTheLogAndReplayEndsBeforeIt() {
    FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
    WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS);
    WalBatch a = WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0);
    wal.append(a);
    fs.setSpaceLeft(10); // the next write is cut short: a full disk
    KiwiIOException e =
        assertThrows(
            KiwiIOException.class,
            () -> wal.append(WalBatch.put(Bytes.utf8("b"), new byte[100], 0)));
    assertTrue(e.getMessage().contains("No space left"), e.getMessage());
    fs.setSpaceLeft(Long.MAX_VALUE);
    assertThrows(
        BackgroundErrorException.class,
        () -> wal.append(WalBatch.put(Bytes.utf8("c"), Bytes.utf8("3"), 0)));
    wal.close();
    // The half-written record is a torn tail: replay ends before it, reopen cuts it off.
    List<WalTesting.Rec> recovered = new ArrayList<>();
    WalTesting.Appender reopened = WalTesting.reopen(fs, SyncMode.ALWAYS, recovered);
    WalTesting.assertSameRecords(List.of(new WalTesting.Rec(1, a)), recovered);
    WalBatch d = WalBatch.put(Bytes.utf8("d"), Bytes.utf8("4"), 0);
    assertEquals(2, reopened.append(d));
    reopened.close();
    WalTesting.assertSameRecords(
        List.of(new WalTesting.Rec(1, a), new WalTesting.Rec(2, d)),
        WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }
}
