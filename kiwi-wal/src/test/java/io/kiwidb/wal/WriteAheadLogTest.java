package io.kiwidb.wal;

import static io.kiwidb.wal.WalTesting.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Round trips, segments, entry counts, lifecycle and version checks. */
@ExtendWith(SeededRandomExtension.class)
class WriteAheadLogTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();

  @Test
  void batchesRoundTripWithTheirSequenceNumbers(SeededRandom random) {
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      WriteBatch wb = new WriteBatch().put(Bytes.utf8("k"), new byte[0]).delete(Bytes.utf8("gone"));
      WalBatch first = WalBatch.of(wb, 1234);
      written.add(new WalTesting.Rec(wal.append(first), first));
      for (int i = 0; i < 200; i++) {
        WalBatch b = WalTesting.randomBatch(random, 5, 500);
        written.add(new WalTesting.Rec(wal.append(b), b));
      }
      assertEquals(1, written.get(0).firstSeq());
      assertEquals(3, written.get(1).firstSeq(), "a batch of two ops uses two sequence numbers");
      assertEquals(wal.lastSequence(), lastSeq(written));
    }
    WalTesting.assertSameRecords(written, WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  @Test
  void aBatchAppendedTwiceIsLoggedTwiceWithItsOwnSequenceNumbers() {
    WalBatch b = WalBatch.put(Bytes.utf8("k"), Bytes.utf8("v"), 7);
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      assertEquals(1, wal.append(b));
      assertEquals(2, wal.append(b));
    }
    WalTesting.assertSameRecords(
        List.of(new WalTesting.Rec(1, b), new WalTesting.Rec(2, b)),
        WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  @Test
  void recordsSpanningSeveralBlocksRoundTrip(SeededRandom random) {
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int size : new int[] {5, 32 * 1024, 100_000, 3, 1 << 20}) {
        WalBatch b = WalBatch.put(Bytes.utf8("big"), random.bytes(size), size);
        written.add(new WalTesting.Rec(wal.append(b), b));
      }
    }
    WalTesting.assertSameRecords(written, WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  @Test
  void reopeningContinuesSequencesInANewSegmentAndCountsLiveEntries(SeededRandom random) {
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int i = 0; i < 10; i++) {
        WalBatch b = WalTesting.randomBatch(random, 3, 20);
        written.add(new WalTesting.Rec(wal.append(b), b));
      }
    }
    List<WalTesting.Rec> recovered = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.reopen(fs, SyncMode.ALWAYS, recovered)) {
      WalTesting.assertSameRecords(written, recovered);
      assertEquals(List.of(1L, 2L), wal.liveSegments());
      assertEquals(entries(written), wal.liveEntryCount());
      WalBatch b = WalTesting.randomBatch(random, 3, 20);
      long seq = wal.append(b);
      assertEquals(lastSeq(written) + 1, seq);
      written.add(new WalTesting.Rec(seq, b));
      assertEquals(entries(written), wal.liveEntryCount());
    }
    WalTesting.assertSameRecords(written, WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  @Test
  void segmentsAreDeletedOnlyOnceEveryRecordInThemIsFlushed(SeededRandom random) {
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      long s1 = wal.append(WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0));
      long s2 = wal.append(WalBatch.put(Bytes.utf8("b"), Bytes.utf8("2"), 0));
      assertEquals(2, wal.roll());
      long s3 = wal.append(WalBatch.put(Bytes.utf8("c"), Bytes.utf8("3"), 0));
      assertEquals(3, wal.roll());
      assertEquals(List.of(1L, 2L, 3L), wal.liveSegments());
      assertEquals(3, wal.liveEntryCount());
      assertEquals(0, wal.deleteSegmentsThrough(s1), "segment 1 still holds " + s2);
      assertEquals(1, wal.deleteSegmentsThrough(s2));
      assertFalse(fs.exists(DIR.resolve("000001.log")));
      assertEquals(1, wal.liveEntryCount());
      assertEquals(1, wal.deleteSegmentsThrough(Long.MAX_VALUE), "the current segment stays");
      assertEquals(List.of(3L), wal.liveSegments());
      assertEquals(0, wal.liveEntryCount());
      assertTrue(s3 > s2);
    }
    assertEquals(List.of(), WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  /** A whole commit group is one write: its batches get consecutive sequence numbers, in order. */
  @Test
  void aGroupIsAppendedInOneWriteWithConsecutiveSequences() {
    WalBatch a = WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0);
    WalBatch two =
        WalBatch.of(
            new WriteBatch().put(Bytes.utf8("b"), Bytes.utf8("2")).delete(Bytes.utf8("c")), 0);
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      wal.log.append(5, List.of(a, two, a));
      assertEquals(8, wal.lastSequence());
      assertEquals(1, wal.log.groupsWritten());
      assertEquals(3, wal.log.batchesWritten());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> wal.log.append(8, List.of(a)));
      assertTrue(e.getMessage().contains("does not follow the last logged 8"), e.getMessage());
      wal.sync();
      assertEquals(1, wal.log.syncs());
    }
    WalTesting.assertSameRecords(
        List.of(new WalTesting.Rec(5, a), new WalTesting.Rec(6, two), new WalTesting.Rec(8, a)),
        WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  @Test
  void syncModeCanBeSwitchedLiveAndParsedFromConfig() {
    assertEquals(SyncMode.NONE, SyncMode.fromConfig("none"));
    assertEquals(RecoveryMode.POINT_IN_TIME, RecoveryMode.fromConfig("point_in_time"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SyncMode.fromConfig("sometimes"));
    assertTrue(e.getMessage().contains("sometimes"), e.getMessage());
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.NONE)) {
      wal.append(WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0));
      fs.crash();
      // (handles are stale after the crash; only the durable state matters here)
    } catch (RuntimeException expected) {
      // close() fails to sync a stale handle after the simulated crash
    }
    assertEquals(
        List.of(), WalTesting.replayAll(fs, RecoveryMode.STRICT), "none: lost on power loss");
    try (WalTesting.Appender wal = WalTesting.reopen(fs, SyncMode.NONE, new ArrayList<>())) {
      wal.setSyncMode(SyncMode.ALWAYS);
      wal.append(WalBatch.put(Bytes.utf8("b"), Bytes.utf8("2"), 0));
      fs.crash();
    } catch (RuntimeException expected) {
      // as above
    }
    assertEquals(1, WalTesting.replayAll(fs, RecoveryMode.STRICT).size(), "always: survives");
  }

  @Test
  void callsAfterCloseFailClearlyAndCloseIsIdempotent() {
    WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS);
    wal.close();
    wal.close();
    WalBatch b = WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0);
    EngineClosedException e = assertThrows(EngineClosedException.class, () -> wal.append(b));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(EngineClosedException.class, wal::roll);
    assertThrows(EngineClosedException.class, wal::sync);
    assertThrows(EngineClosedException.class, () -> wal.deleteSegmentsThrough(1));
  }

  @Test
  void badArgumentsAreRejectedWithTheValue() {
    assertThrows(IllegalArgumentException.class, () -> WalBatch.of(List.of(), 0));
    WalReplay.Result r =
        new WalReplay.Result(List.of(), List.of(), 1, 1, 7, java.util.Optional.empty());
    assertThrows(IllegalArgumentException.class, () -> WriteAheadLog.open(fs, DIR, r, 6));
  }

  @Test
  void openRefusesAReplayResultThatDoesNotDescribeTheDirectory() {
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      wal.append(WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0));
    }
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> WalTesting.openEmpty(fs, SyncMode.ALWAYS));
    assertTrue(e.getMessage().contains("000001.log"), e.getMessage());
    assertEquals(1, WalTesting.replayAll(fs, RecoveryMode.STRICT).size(), "nothing overwritten");
  }

  @Test
  void anUnknownFormatVersionFailsInBothModes() throws IOException {
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      wal.append(WalBatch.put(Bytes.utf8("a"), Bytes.utf8("1"), 0));
    }
    Path seg = DIR.resolve("000001.log");
    byte[] b = fs.contents(seg);
    Coding.putInt(b, 8, 3);
    fs.overwrite(seg, b);
    for (RecoveryMode mode : RecoveryMode.values()) {
      CorruptionException e =
          assertThrows(CorruptionException.class, () -> WalTesting.replayAll(fs, mode));
      assertTrue(e.getMessage().contains("version 3 is too new"), e.getMessage());
      assertEquals(seg.toString(), e.file());
      assertEquals(8, e.offset());
    }
  }

  @Test
  void aMissingMiddleSegmentIsCorruption() throws IOException {
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int i = 0; i < 3; i++) {
        wal.append(WalBatch.put(Bytes.utf8("k" + i), Bytes.utf8("v"), 0));
        wal.roll();
      }
    }
    fs.delete(DIR.resolve("000002.log"));
    CorruptionException e =
        assertThrows(
            CorruptionException.class, () -> WalTesting.replayAll(fs, RecoveryMode.STRICT));
    assertTrue(e.getMessage().contains("000002.log is missing"), e.getMessage());
    assertEquals(1, WalTesting.replayAll(fs, RecoveryMode.POINT_IN_TIME).size());
  }

  @Test
  void openSetsDamageAsideSoNewWritesAreNotHiddenBehindIt(SeededRandom random) throws IOException {
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int i = 0; i < 20; i++) {
        WalBatch b = WalTesting.randomBatch(random, 2, 100);
        written.add(new WalTesting.Rec(wal.append(b), b));
        if (i == 9) {
          wal.roll();
        }
      }
    }
    Path first = DIR.resolve("000001.log");
    byte[] b = fs.contents(first);
    b[b.length - 2] ^= 0x40; // damage the last record of segment 1
    fs.overwrite(first, b);

    List<WalTesting.Rec> recovered = new ArrayList<>();
    WalReplay.Result r =
        WalReplay.replay(
            fs, DIR, RecoveryMode.POINT_IN_TIME, (s, x) -> recovered.add(new WalTesting.Rec(s, x)));
    WalTesting.assertSameRecords(written.subList(0, 9), recovered);
    assertEquals(List.of(DIR.resolve("000002.log")), r.skippedSegments());
    assertEquals(WalReplay.DamageKind.CORRUPTION, r.damage().orElseThrow().kind());

    List<WalTesting.Rec> expected = new ArrayList<>(recovered);
    try (WalTesting.Appender wal =
        new WalTesting.Appender(
            WriteAheadLog.open(fs, DIR, r, r.lastSequence()), SyncMode.ALWAYS)) {
      assertEquals(2, wal.log.currentSegment(), "live segment numbers stay contiguous");
      assertEquals(entries(recovered), wal.liveEntryCount());
      WalBatch nb = WalTesting.randomBatch(random, 2, 100);
      expected.add(new WalTesting.Rec(wal.append(nb), nb));
    }
    assertTrue(fs.exists(DIR.resolve("000002.log.dropped")));
    assertTrue(fs.exists(DIR.resolve("000001.log.tail")));
    fs.crash(); // the repair was made durable
    WalTesting.assertSameRecords(expected, WalTesting.replayAll(fs, RecoveryMode.STRICT));
  }

  private static long lastSeq(List<WalTesting.Rec> recs) {
    WalTesting.Rec last = recs.get(recs.size() - 1);
    return last.firstSeq() + last.batch().count() - 1;
  }

  private static long entries(List<WalTesting.Rec> recs) {
    return recs.stream().mapToLong(r -> r.batch().count()).sum();
  }
}
