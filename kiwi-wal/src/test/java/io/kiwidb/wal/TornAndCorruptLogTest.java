package io.kiwidb.wal;

import static io.kiwidb.wal.WalTesting.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay of a multi-block segment cut at every byte offset, and with every byte flipped: never a
 * wrong record, never a skipped one, always an exact prefix.
 */
@ExtendWith(SeededRandomExtension.class)
class TornAndCorruptLogTest {
  private static final Path SEGMENT = DIR.resolve("000001.log");

  /** A log of small records and two large ones, spanning three blocks, and each record's span. */
  private record Log(byte[] bytes, List<WalTesting.Rec> records, long[] starts, long[] ends) {
    /** How many records end at or before {@code offset}. */
    int wholeBefore(long offset) {
      int k = 0;
      while (k < ends.length && ends[k] <= offset) {
        k++;
      }
      return k;
    }
  }

  private static Log buildLog(SeededRandom random) throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int i = 0; i < 60; i++) {
        WalBatch b;
        if (i == 10 || i == 40) {
          b = WalBatch.put(new byte[] {(byte) i}, random.bytes(40_000), i);
        } else if (i == 30 || i == 55) {
          // End exactly 7 (then 3) bytes before a block boundary, so the writer pads the tail.
          b = fillBlockLeaving(fs.size(SEGMENT), i == 30 ? 7 : 3, random);
        } else {
          b = WalTesting.randomBatch(random, 3, 300);
        }
        written.add(new WalTesting.Rec(wal.append(b), b));
      }
    }
    byte[] bytes = fs.contents(SEGMENT);
    assertTrue(bytes.length > 2 * LogFormat.BLOCK_SIZE, "log spans three blocks: " + bytes.length);
    List<long[]> spans = new ArrayList<>();
    SegmentReader.End end =
        new SegmentReader(WalTesting.view(bytes, bytes.length), 1, bytes.length)
            .read(
                (s, b, start, stop) -> {
                  spans.add(new long[] {start, stop});
                  return null;
                });
    assertEquals(SegmentReader.EndKind.CLEAN, end.kind());
    assertEquals(bytes.length, end.validEnd());
    assertEquals(written.size(), spans.size());
    for (int gap = 0, r = 1; r < spans.size(); r++) {
      gap = (int) (gap + (spans.get(r)[0] - spans.get(r - 1)[1]));
      if (r == spans.size() - 1) {
        assertEquals(7 + 3, gap, "the log has one 7-byte and one 3-byte block padding");
      }
    }
    long[] starts = spans.stream().mapToLong(s -> s[0]).toArray();
    long[] ends = spans.stream().mapToLong(s -> s[1]).toArray();
    return new Log(bytes, written, starts, ends);
  }

  /** A one-put batch whose single chunk ends {@code leave} bytes before the next block boundary. */
  private static WalBatch fillBlockLeaving(long size, int leave, SeededRandom random) {
    int room = LogFormat.BLOCK_SIZE - (int) (size % LogFormat.BLOCK_SIZE);
    int payload = room - leave - LogFormat.CHUNK_HEADER;
    int fixed = WalBatch.FIXED_HEADER + 1 + 1 + 1; // kind, key length, 1-byte key
    for (int v = payload - fixed; v >= 0; v--) {
      WalBatch b = WalBatch.put(new byte[] {'p'}, random.bytes(v), v);
      if (b.encodedSize() == payload) {
        return b;
      }
    }
    throw new AssertionError("no value size fills " + payload + " bytes");
  }

  private static List<WalTesting.Rec> readPrefix(byte[] bytes, int length, SegmentReader.End[] end)
      throws IOException {
    List<WalTesting.Rec> out = new ArrayList<>();
    end[0] =
        new SegmentReader(WalTesting.view(bytes, length), 1, length)
            .read(
                (s, b, start, stop) -> {
                  out.add(new WalTesting.Rec(s, b));
                  return null;
                });
    return out;
  }

  @Test
  void aCutAtEveryOffsetEndsCleanlyAtTheLastWholeRecord(SeededRandom random) throws IOException {
    Log log = buildLog(random);
    SegmentReader.End[] end = new SegmentReader.End[1];
    for (int cut = 0; cut <= log.bytes.length; cut++) {
      List<WalTesting.Rec> got = readPrefix(log.bytes, cut, end);
      int k = log.wholeBefore(cut);
      assertEquals(k, got.size(), "records replayed from a log cut at " + cut);
      if (k > 0) { // content checked where cheap: the last record delivered is the right one
        WalTesting.assertSameRecords(log.records.subList(k - 1, k), got.subList(k - 1, k));
      }
      assertTrue(
          end[0].kind() == SegmentReader.EndKind.CLEAN
              || end[0].kind() == SegmentReader.EndKind.TORN,
          "cut at " + cut + " must look torn, not corrupt: " + end[0]);
      long expectedEnd =
          k > 0 ? log.ends[k - 1] : cut >= LogFormat.HEADER_SIZE ? LogFormat.HEADER_SIZE : 0;
      assertEquals(expectedEnd, end[0].validEnd(), "valid end for cut at " + cut);
    }
  }

  @Test
  void everyFlippedByteStopsReplayAtAnExactPrefix(SeededRandom random) throws IOException {
    Log log = buildLog(random);
    byte[] bytes = log.bytes;
    SegmentReader.End[] end = new SegmentReader.End[1];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] ^= (byte) 0xFF;
      List<WalTesting.Rec> got = readPrefix(bytes, bytes.length, end);
      bytes[i] ^= (byte) 0xFF;
      int k = log.wholeBefore(i);
      assertEquals(k, got.size(), "records replayed with byte " + i + " flipped");
      long lo = i < LogFormat.HEADER_SIZE ? 0 : i;
      boolean inRecord = k < log.starts.length && log.starts[k] <= i;
      if (inRecord) {
        lo = log.starts[k];
      }
      SegmentReader.End e = end[0];
      switch (e.kind()) {
        case CORRUPT, UNSUPPORTED_VERSION -> {
          assertTrue(
              lo <= e.problemOffset() && e.problemOffset() <= i,
              "byte "
                  + i
                  + " flipped: problem reported at "
                  + e.problemOffset()
                  + ", expected in ["
                  + lo
                  + ", "
                  + i
                  + "]");
          assertEquals(
              k > 0 ? log.ends[k - 1] : LogFormat.HEADER_SIZE > i ? 0 : LogFormat.HEADER_SIZE,
              e.validEnd());
        }
        case TORN -> {
          // A flipped length in a chunk of the file's last, partial block can point past the end
          // of the file: indistinguishable from a torn write, and still an exact prefix.
          long lastBlock = (bytes.length - 1) / LogFormat.BLOCK_SIZE * (long) LogFormat.BLOCK_SIZE;
          assertTrue(i >= lastBlock, "byte " + i + " flipped looks torn outside the last block");
          assertTrue(inRecord, "byte " + i + " is in a record");
          assertEquals(log.starts[k], e.validEnd());
        }
        case CLEAN -> fail("byte " + i + " flipped but replay ended cleanly");
      }
    }
  }

  @Test
  void strictNamesFileAndOffsetAndPointInTimeReplaysThePrefix(SeededRandom random)
      throws IOException {
    Log log = buildLog(random);
    // Through the public API, for a stride of offsets (the exhaustive walk above is per segment).
    for (int i = 0; i < log.bytes.length; i += 397) {
      InMemoryFileSystem fs = new InMemoryFileSystem();
      fs.createDirectories(DIR);
      fs.create(SEGMENT).close();
      byte[] damaged = log.bytes.clone();
      damaged[i] ^= (byte) 0xFF;
      fs.overwrite(SEGMENT, damaged);
      int k = log.wholeBefore(i);
      List<WalTesting.Rec> got = new ArrayList<>();
      boolean lastChunkTorn = false;
      try {
        WalReplay.replay(fs, DIR, RecoveryMode.STRICT, (s, b) -> {});
        lastChunkTorn = true;
      } catch (CorruptionException e) {
        assertEquals(SEGMENT.toString(), e.file());
        assertTrue(e.offset() <= i, "offset " + e.offset() + " for byte " + i);
      }
      boolean versionByte = i >= 8 && i < 12;
      if (versionByte) {
        assertThrows(
            CorruptionException.class,
            () -> WalReplay.replay(fs, DIR, RecoveryMode.POINT_IN_TIME, (s, b) -> {}));
        continue;
      }
      WalReplay.Result r =
          WalReplay.replay(
              fs, DIR, RecoveryMode.POINT_IN_TIME, (s, b) -> got.add(new WalTesting.Rec(s, b)));
      WalTesting.assertSameRecords(log.records.subList(0, k), got);
      assertTrue(r.damage().isPresent());
      assertEquals(
          lastChunkTorn ? WalReplay.DamageKind.TORN_TAIL : WalReplay.DamageKind.CORRUPTION,
          r.damage().get().kind());
      assertEquals(log.bytes.length - r.damage().get().offset(), r.damage().get().droppedBytes());
    }
  }

  @Test
  void afterACutReopeningRepairsTheTailAndNewBatchesFollowThePrefix(SeededRandom random)
      throws IOException {
    Log log = buildLog(random);
    for (int cut = 0; cut <= log.bytes.length; cut += 211) {
      InMemoryFileSystem fs = new InMemoryFileSystem();
      fs.createDirectories(DIR);
      fs.create(SEGMENT).close();
      fs.overwrite(SEGMENT, java.util.Arrays.copyOf(log.bytes, cut));
      int k = log.wholeBefore(cut);
      List<WalTesting.Rec> recovered = new ArrayList<>();
      WalBatch next = WalTesting.randomBatch(random, 2, 50);
      long seq;
      try (WalTesting.Appender wal = WalTesting.reopen(fs, SyncMode.ALWAYS, recovered)) {
        WalTesting.assertSameRecords(log.records.subList(0, k), recovered);
        seq = wal.append(next);
      }
      List<WalTesting.Rec> expected = new ArrayList<>(recovered);
      expected.add(new WalTesting.Rec(seq, next));
      fs.crash();
      WalTesting.assertSameRecords(expected, WalTesting.replayAll(fs, RecoveryMode.STRICT));
    }
  }

  @Test
  void aDamagedMiddleSegmentHidesEveryLaterSegmentInPointInTime(SeededRandom random) {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int i = 0; i < 30; i++) {
        WalBatch b = WalTesting.randomBatch(random, 2, 50);
        written.add(new WalTesting.Rec(wal.append(b), b));
        if (i % 10 == 9) {
          wal.roll();
        }
      }
    }
    Path second = DIR.resolve("000002.log");
    try {
      byte[] b = fs.contents(second);
      int lastRecordByte = b.length - 1;
      b[lastRecordByte] ^= 0x01;
      fs.overwrite(second, b);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    CorruptionException ce =
        assertThrows(
            CorruptionException.class, () -> WalTesting.replayAll(fs, RecoveryMode.STRICT));
    assertEquals(second.toString(), ce.file());
    List<WalTesting.Rec> got = WalTesting.replayAll(fs, RecoveryMode.POINT_IN_TIME);
    WalTesting.assertSameRecords(written.subList(0, 19), got);
    assertNotEquals(0, got.size());
  }
}
