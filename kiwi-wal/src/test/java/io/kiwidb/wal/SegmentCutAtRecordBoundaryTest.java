package io.kiwidb.wal;

import static io.kiwidb.wal.WalTesting.DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression (found by the engine-level WAL sweep in kiwi-reliability): a segment that is not the
 * newest, cut exactly at a record boundary, ends cleanly as far as its own framing can tell; replay
 * went on with the next segment and recovered a state with a hole in it (a delete lost, an old
 * value back). The gap in sequence numbers before the next segment gives it away.
 */
@ExtendWith(SeededRandomExtension.class)
class SegmentCutAtRecordBoundaryTest {
  private static final Path FIRST = DIR.resolve("000001.log");

  private static List<WalTesting.Rec> writeTwoSegments(InMemoryFileSystem fs, SeededRandom random) {
    List<WalTesting.Rec> written = new ArrayList<>();
    try (WalTesting.Appender wal = WalTesting.openEmpty(fs, SyncMode.ALWAYS)) {
      for (int i = 0; i < 8; i++) {
        WalBatch b = WalTesting.randomBatch(random, 3, 40);
        written.add(new WalTesting.Rec(wal.append(b), b));
        if (i == 3) {
          wal.roll();
        }
      }
    }
    return written;
  }

  /** Cuts the first segment after its second record. */
  private static void cutAfterSecondRecord(InMemoryFileSystem fs) throws IOException {
    byte[] b = fs.contents(FIRST);
    long[] ends = new long[4];
    int[] n = {0};
    new SegmentReader(WalTesting.view(b, b.length), 1, b.length)
        .read(
            (s, batch, start, stop) -> {
              ends[n[0]++] = stop;
              return null;
            });
    fs.overwrite(FIRST, Arrays.copyOf(b, (int) ends[1]));
  }

  @Test
  void aGapBeforeTheNextSegmentIsCorruption(SeededRandom random) throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    List<WalTesting.Rec> written = writeTwoSegments(fs, random);
    cutAfterSecondRecord(fs);

    CorruptionException ce =
        assertThrows(
            CorruptionException.class,
            () -> WalReplay.replay(fs, DIR, RecoveryMode.STRICT, 0, (s, b) -> {}));
    assertEquals(DIR.resolve("000002.log").toString(), ce.file());
    assertTrue(ce.getMessage().contains("gap"), ce.getMessage());

    List<WalTesting.Rec> got = new ArrayList<>();
    WalReplay.Result r =
        WalReplay.replay(
            fs, DIR, RecoveryMode.POINT_IN_TIME, 0, (s, b) -> got.add(new WalTesting.Rec(s, b)));
    WalTesting.assertSameRecords(written.subList(0, 2), got);
    assertTrue(r.damage().isPresent());
  }

  @Test
  void aGapThatTheTablesCoverIsNotCorruption(SeededRandom random) throws IOException {
    InMemoryFileSystem fs = new InMemoryFileSystem();
    List<WalTesting.Rec> written = writeTwoSegments(fs, random);
    cutAfterSecondRecord(fs);
    long lastOfFirstSegment = written.get(3).firstSeq() + written.get(3).batch().count() - 1;

    List<WalTesting.Rec> got = new ArrayList<>();
    WalReplay.Result r =
        WalReplay.replay(
            fs,
            DIR,
            RecoveryMode.STRICT,
            lastOfFirstSegment,
            (s, b) -> got.add(new WalTesting.Rec(s, b)));
    assertTrue(r.damage().isEmpty());
    List<WalTesting.Rec> expected = new ArrayList<>(written.subList(0, 2));
    expected.addAll(written.subList(4, 8));
    WalTesting.assertSameRecords(expected, got);
  }
}
