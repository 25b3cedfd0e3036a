package io.kiwidb.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared helpers for the WAL tests. */
final class WalTesting {
  static final Path DIR = Path.of("/db/wal");

  private WalTesting() {}

  /** A replayed or acknowledged batch with its first sequence number. */
  record Rec(long firstSeq, WalBatch batch) {}

  /**
   * The log driven as the engine's commit leader drives it, one batch per group: assign the next
   * sequence numbers, append, and sync in {@link SyncMode#ALWAYS}.
   */
  static final class Appender implements AutoCloseable {
    final WriteAheadLog log;
    private SyncMode mode;

    Appender(WriteAheadLog log, SyncMode mode) {
      this.log = log;
      this.mode = mode;
    }

    /** Appends one batch as its own group; returns its first sequence number. */
    long append(WalBatch b) {
      long first = log.lastSequence() + 1;
      log.append(first, List.of(b));
      if (mode == SyncMode.ALWAYS) {
        log.sync();
      }
      return first;
    }

    void setSyncMode(SyncMode m) {
      this.mode = m;
    }

    long roll() {
      return log.roll();
    }

    void sync() {
      log.sync();
    }

    int deleteSegmentsThrough(long seq) {
      return log.deleteSegmentsThrough(seq);
    }

    List<Long> liveSegments() {
      return log.liveSegments();
    }

    long liveEntryCount() {
      return log.liveEntryCount();
    }

    long lastSequence() {
      return log.lastSequence();
    }

    @Override
    public void close() {
      log.close();
    }
  }

  /** Opens a log on {@code fs} after replaying it strictly; recovered records go to {@code out}. */
  static Appender reopen(FileSystem fs, SyncMode mode, List<Rec> out) {
    WalReplay.Result r =
        WalReplay.replay(fs, DIR, RecoveryMode.STRICT, (s, b) -> out.add(new Rec(s, b)));
    return new Appender(WriteAheadLog.open(fs, DIR, r, r.lastSequence()), mode);
  }

  static Appender openEmpty(FileSystem fs, SyncMode mode) {
    return new Appender(WriteAheadLog.open(fs, DIR, WalReplay.Result.empty(), 0), mode);
  }

  static List<Rec> replayAll(FileSystem fs, RecoveryMode mode) {
    List<Rec> out = new ArrayList<>();
    WalReplay.replay(fs, DIR, mode, (s, b) -> out.add(new Rec(s, b)));
    return out;
  }

  /** A batch of 1..maxOps puts and deletes with values of up to maxValue bytes. */
  static WalBatch randomBatch(Random random, int maxOps, int maxValue) {
    int n = 1 + random.nextInt(maxOps);
    List<WriteBatch.Operation> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[1 + random.nextInt(16)];
      random.nextBytes(key);
      if (random.nextInt(5) == 0) {
        ops.add(new WriteBatch.Operation(true, key, null));
      } else {
        byte[] value = new byte[random.nextInt(maxValue + 1)];
        random.nextBytes(value);
        ops.add(new WriteBatch.Operation(false, key, value));
      }
    }
    return WalBatch.of(ops, random.nextLong() & Long.MAX_VALUE);
  }

  static void assertSameBatch(WalBatch expected, WalBatch actual) {
    assertEquals(expected.timestampMs(), actual.timestampMs());
    assertEquals(expected.count(), actual.count());
    for (int i = 0; i < expected.count(); i++) {
      WriteBatch.Operation e = expected.operations().get(i);
      WriteBatch.Operation a = actual.operations().get(i);
      assertEquals(e.isDelete(), a.isDelete(), "op " + i + " kind");
      assertArrayEquals(e.key(), a.key(), "op " + i + " key");
      assertArrayEquals(e.value(), a.value(), "op " + i + " value");
    }
  }

  static void assertSameRecords(List<Rec> expected, List<Rec> actual) {
    assertEquals(expected.size(), actual.size(), "record count");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).firstSeq(), actual.get(i).firstSeq(), "record " + i + " seq");
      assertSameBatch(expected.get(i).batch(), actual.get(i).batch());
    }
  }

  /** A read-only view of the first {@code length} bytes of an array, without copying. */
  static ReadableFile view(byte[] bytes, int length) {
    return new ReadableFile() {
      @Override
      public Path path() {
        return DIR.resolve("view.log");
      }

      @Override
      public void readFully(long position, ByteBuffer dst) throws EOFException {
        if (position + dst.remaining() > length) {
          throw new EOFException("read past " + length);
        }
        dst.put(bytes, (int) position, dst.remaining());
      }

      @Override
      public long size() {
        return length;
      }

      @Override
      public void close() {}
    };
  }
}
