package io.kiwidb.reliability.fuzz;

import static io.kiwidb.reliability.fuzz.FuzzFiles.ROOT;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kiwidb.api.CorruptionException;
import io.kiwidb.testkit.InMemoryFileSystem;
import io.kiwidb.wal.RecoveryMode;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.file.Path;

/**
 * Fuzzes the WAL decoders (segment header, chunk framing, record payload {@code WalBatch.decode},
 * sequence checks) through {@link WalReplay}, then the repair {@link WriteAheadLog#open} does after
 * a point-in-time replay. Input: one option byte (bit 0: leave chunk checksums as they are instead
 * of repairing them; bit 1: strict mode; bits 2-3: the tables' last sequence given to replay: none,
 * 0, 1 or 5), then the segment after its 24-byte header.
 *
 * <p>Properties: replay throws nothing but {@link CorruptionException}; after a point-in-time
 * replay and the repair that follows, a strict replay of the repaired log succeeds and delivers
 * exactly as many records, ending at the same sequence number.
 */
class WalSegmentFuzzTest {
  private static final Path WAL = ROOT.resolve("wal");

  @FuzzTest(maxDuration = "2m")
  void segment(byte[] data) throws Exception {
    int flags = FuzzFiles.flags(data);
    byte[] seg = FuzzFiles.concat(FuzzFiles.header("KIWI-WAL", 1), FuzzFiles.body(data));
    if ((flags & 1) == 0) {
      FuzzFiles.fixWalChunks(seg);
    }
    RecoveryMode mode = (flags & 2) != 0 ? RecoveryMode.STRICT : RecoveryMode.POINT_IN_TIME;
    long covered = new long[] {-1, 0, 1, 5}[(flags >> 2) & 3];
    InMemoryFileSystem fs = FuzzFiles.fsWith(WAL.resolve("000001.log"), seg);
    long[] delivered = new long[1];
    WalReplay.Result first;
    try {
      first = WalReplay.replay(fs, WAL, mode, covered, (s, b) -> delivered[0]++);
    } catch (CorruptionException expected) {
      return;
    }
    if (first.records() != delivered[0]) {
      throw new AssertionError(first.records() + " records counted, " + delivered[0] + " seen");
    }
    WriteAheadLog.open(fs, WAL, first, first.lastSequence()).close();
    WalReplay.Result again = WalReplay.replay(fs, WAL, RecoveryMode.STRICT, covered, (s, b) -> {});
    if (again.records() != first.records() || again.lastSequence() != first.lastSequence()) {
      throw new AssertionError("repaired log replays " + again + " after " + first);
    }
  }
}
