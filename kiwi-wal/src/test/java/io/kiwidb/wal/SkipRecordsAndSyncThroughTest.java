package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.Checksums;
import io.kiwidb.api.spi.Coding;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Format version 2's skip records (the gaps that writes with {@code disableWal} leave), reading
 * version 1 segments, and {@link WriteAheadLog#syncThrough}: shared forces, concurrent with
 * appends, and what a power cut keeps.
 */
@ExtendWith(SeededRandomExtension.class)
class SkipRecordsAndSyncThroughTest {
  private final InMemoryFileSystem fs = new InMemoryFileSystem();
  private static final Path SEG1 = WalTesting.DIR.resolve("000001.log");

  private static WalBatch put(String k) {
    return WalBatch.put(Bytes.utf8(k), Bytes.utf8("v-" + k), 0);
  }

  private WalReplay.Result replay(List<WalTesting.Rec> out, long coveredThrough) {
    return WalReplay.replay(
        fs,
        WalTesting.DIR,
        RecoveryMode.STRICT,
        coveredThrough,
        (s, b) -> out.add(new WalTesting.Rec(s, b)));
  }

  @Test
  void aGapInSequenceNumbersIsLoggedAsASkipRecordAndReplaysAsOne() {
    WriteAheadLog log = WriteAheadLog.open(fs, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(1, List.of(put("a"), put("b"))); // 1, 2
    log.append(10, List.of(put("c"))); // 3..9 went to writes without the log
    log.roll();
    log.append(20, List.of(put("d"))); // 11..19 skipped, at the start of segment 2
    log.close();
    assertEquals(20, log.lastSequence());
    List<WalTesting.Rec> out = new ArrayList<>();
    WalReplay.Result r = replay(out, 0);
    assertEquals(20, r.lastSequence(), "the skipped numbers count: they were used");
    assertEquals(List.of(1L, 2L, 10L, 20L), out.stream().map(WalTesting.Rec::firstSeq).toList());
    assertTrue(out.stream().noneMatch(rec -> rec.batch().isSkip()), "the visitor never sees one");
    assertEquals(4, r.entries());
    // A reopen continues after the skipped numbers, not after the last logged operation.
    WriteAheadLog again = WriteAheadLog.open(fs, WalTesting.DIR, r, r.lastSequence());
    assertThrows(IllegalArgumentException.class, () -> again.append(20, List.of(put("e"))));
    again.append(21, List.of(put("e")));
    again.close();
  }

  /** Without the skip record, the segment after a gap reads as "records are missing". */
  @Test
  void removingTheSkipRecordMakesTheGapDamage() throws Exception {
    WriteAheadLog log = WriteAheadLog.open(fs, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(1, List.of(put("a")));
    log.roll();
    log.append(5, List.of(put("b")));
    log.close();
    Path seg2 = WalTesting.DIR.resolve("000002.log");
    byte[] b = fs.contents(seg2);
    // Cut the skip record (the first chunk after the header: 7 + 20 bytes) out of segment 2.
    int skipChunk = LogFormat.CHUNK_HEADER + WalBatch.FIXED_HEADER;
    byte[] cut = new byte[b.length - skipChunk];
    System.arraycopy(b, 0, cut, 0, LogFormat.HEADER_SIZE);
    System.arraycopy(
        b,
        LogFormat.HEADER_SIZE + skipChunk,
        cut,
        LogFormat.HEADER_SIZE,
        cut.length - LogFormat.HEADER_SIZE);
    fs.overwrite(seg2, cut);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> replay(new ArrayList<>(), 1));
    assertTrue(e.getMessage().contains("leaves a gap"), e.getMessage());
  }

  /** A version 1 segment (written by an earlier build) still replays; its count 0 is damage. */
  @Test
  void version1SegmentsAreReadAndHaveNoSkipRecords() throws Exception {
    WriteAheadLog log = WriteAheadLog.open(fs, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(1, List.of(put("a")));
    log.append(2, List.of(put("b")));
    log.close();
    byte[] b = fs.contents(SEG1);
    System.arraycopy(LogFormat.header(1, 1), 0, b, 0, LogFormat.HEADER_SIZE);
    fs.overwrite(SEG1, b);
    List<WalTesting.Rec> out = new ArrayList<>();
    assertEquals(2, replay(out, 0).lastSequence());
    assertEquals(2, out.size());

    // The same bytes with a skip record: fine in version 2, damage in version 1.
    fs.delete(SEG1);
    log = WriteAheadLog.open(fs, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(3, List.of(put("c")));
    log.close();
    b = fs.contents(SEG1);
    System.arraycopy(LogFormat.header(1, 1), 0, b, 0, LogFormat.HEADER_SIZE);
    fs.overwrite(SEG1, b);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> replay(new ArrayList<>(), 0));
    assertTrue(e.getMessage().contains("operation count 0"), e.getMessage());
  }

  /** A skip record's fields are checked like any record's. */
  @Test
  void aMalformedSkipRecordIsDamage() throws Exception {
    WriteAheadLog log = WriteAheadLog.open(fs, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(3, List.of(put("c")));
    log.close();
    byte[] b = fs.contents(SEG1);
    int payload = LogFormat.HEADER_SIZE + LogFormat.CHUNK_HEADER;
    Coding.putLong(b, payload + 12, 0); // skips 0 sequence numbers
    int chunk = LogFormat.HEADER_SIZE;
    Coding.putInt(b, chunk, Checksums.maskedCrc32c(b, chunk + 4, 3 + WalBatch.FIXED_HEADER));
    fs.overwrite(SEG1, b);
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> replay(new ArrayList<>(), 0));
    assertTrue(e.getMessage().contains("skip record"), e.getMessage());
  }

  @Test
  void syncThroughSharesForcesAndSkipsWhatIsAlreadyDurable() {
    WriteAheadLog log = WriteAheadLog.open(fs, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(1, List.of(put("a")));
    log.append(2, List.of(put("b")));
    log.syncThrough(1); // forces everything appended: 1 and 2
    assertEquals(2, log.durableSequence());
    assertEquals(1, log.syncs());
    log.syncThrough(2);
    log.syncThrough(1);
    assertEquals(1, log.syncs(), "both were covered by the first force");
    assertThrows(IllegalArgumentException.class, () -> log.syncThrough(3));
    log.append(3, List.of(put("c")));
    log.roll(); // a roll forces the old segment
    log.syncThrough(3);
    assertEquals(2, log.syncs());
    log.close();
  }

  /**
   * Appenders and syncers on real threads: every sequence a syncer was told is durable survives a
   * power cut, and what survives is a prefix of what was appended.
   */
  @Test
  void concurrentAppendsAndSyncsKeepEverySyncedRecordThroughAPowerCut(SeededRandom random)
      throws Exception {
    FaultInjectingFileSystem disk = FaultInjectingFileSystem.inMemory();
    WriteAheadLog log = WriteAheadLog.open(disk, WalTesting.DIR, WalReplay.Result.empty(), 0);
    AtomicLong acknowledged = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?> appender =
          pool.submit(
              () -> {
                for (long seq = 1; seq <= 2000; seq++) {
                  log.append(seq, List.of(put("k" + seq)));
                  if (random.nextInt(8) == 0) {
                    log.roll();
                  }
                }
              });
      List<Future<?>> syncers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        syncers.add(
            pool.submit(
                () -> {
                  while (!appender.isDone()) {
                    long seq = log.lastSequence();
                    if (seq > 0) {
                      log.syncThrough(seq);
                      acknowledged.accumulateAndGet(seq, Math::max);
                      assertTrue(log.durableSequence() >= seq);
                    }
                  }
                }));
      }
      appender.get(60, TimeUnit.SECONDS);
      for (Future<?> f : syncers) {
        f.get(60, TimeUnit.SECONDS);
      }
      long acked = acknowledged.get();
      assertTrue(acked > 0, "the syncers ran");
      disk.failAt(FaultInjectingFileSystem.Op.ALL, 1, FaultInjectingFileSystem.Fault.CRASH);
      assertThrows(RuntimeException.class, log::close);
      disk.crash();
      List<WalTesting.Rec> out = new ArrayList<>();
      WalReplay.Result r =
          WalReplay.replay(
              disk,
              WalTesting.DIR,
              RecoveryMode.POINT_IN_TIME,
              0,
              (s, b) -> out.add(new WalTesting.Rec(s, b)));
      assertTrue(
          r.lastSequence() >= acked,
          "synced through " + acked + " but only " + r.lastSequence() + " survived");
      for (int i = 0; i < out.size(); i++) {
        assertEquals(i + 1, out.get(i).firstSeq(), "a prefix, without holes");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedForceFailsTheLogForAppendsAndSyncs() {
    FaultInjectingFileSystem disk = FaultInjectingFileSystem.inMemory();
    WriteAheadLog log = WriteAheadLog.open(disk, WalTesting.DIR, WalReplay.Result.empty(), 0);
    log.append(1, List.of(put("a")));
    disk.failAt(FaultInjectingFileSystem.Op.SYNC, 1, FaultInjectingFileSystem.Fault.PERSISTENT);
    assertThrows(KiwiIOException.class, () -> log.syncThrough(1));
    assertFalse(log.durableSequence() >= 1);
    assertThrows(BackgroundErrorException.class, () -> log.syncThrough(1));
    assertThrows(BackgroundErrorException.class, () -> log.append(2, List.of(put("b"))));
  }
}
