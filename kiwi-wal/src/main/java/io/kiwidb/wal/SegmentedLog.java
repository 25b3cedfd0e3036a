package io.kiwidb.wal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WriteAheadLog} as one {@link RecordFramer} writing into the newest segment of a {@link
 * SegmentSet}. A group's batches are framed into one direct buffer (each value copied once, from
 * the writer's array into it) and written with one {@code write}.
 *
 * <p>Thread safety: see {@link WriteAheadLog}. Two locks. {@code appendLock} serialises the calls
 * that frame and write ({@link #append}, {@link #roll}, {@link #close}); the commit leader holds
 * it, so it is never contended in practice. {@code syncLock} serialises the forces: {@link
 * #syncThrough} takes only it, so writers waiting for durability never hold up the next group's
 * append, and one force covers every group appended before it started. Lock order: {@code
 * appendLock} before {@code syncLock} ({@link #roll} and {@link #close} take both, so the segment
 * being forced never changes or closes under a sync).
 */
final class SegmentedLog implements WriteAheadLog {
  private static final Logger log = LoggerFactory.getLogger(SegmentedLog.class);

  private final SegmentSet segments;
  private final ReentrantLock appendLock = new ReentrantLock();
  private final ReentrantLock syncLock = new ReentrantLock();

  // Replaced only under both locks, so either lock alone is enough to use it.
  private volatile WritableFile current;

  @GuardedBy("appendLock")
  private RecordFramer framer;

  private volatile long lastSeq; // written under appendLock, after the bytes are in the file
  private volatile long durableSeq; // written under syncLock: everything through it is forced
  private volatile boolean closed; // written under both locks
  private volatile RuntimeException failure; // the first failure; see poison
  private volatile long groups; // written under appendLock
  private volatile long batches; // written under appendLock
  private volatile long bytes; // written under appendLock
  private volatile long syncs; // written under syncLock

  private SegmentedLog(SegmentSet segments, long lastSeq) {
    this.segments = segments;
    this.lastSeq = lastSeq;
    this.durableSeq = lastSeq; // replayed records are on disk; later ones start a new segment
  }

  static SegmentedLog open(
      FileSystem fs, Path walDir, WalReplay.Result recovered, long lastSequence) {
    Objects.requireNonNull(fs, "fs");
    if (lastSequence < recovered.lastSequence()) {
      throw new IllegalArgumentException(
          "lastSequence "
              + lastSequence
              + " is below the last recovered sequence "
              + recovered.lastSequence());
    }
    try {
      SegmentSet set = SegmentSet.recover(fs, walDir, recovered);
      SegmentedLog wal = new SegmentedLog(set, lastSequence);
      wal.appendLock.lock();
      try {
        wal.current = set.create();
        wal.framer = new RecordFramer(LogFormat.HEADER_SIZE);
      } finally {
        wal.appendLock.unlock();
      }
      return wal;
    } catch (IOException e) {
      throw new KiwiIOException("open write-ahead log in " + walDir, e);
    }
  }

  // The counters are written only under appendLock; volatile is for readers of the stats.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  @Override
  public void append(long firstSeq, List<WalBatch> group) {
    appendLock.lock();
    try {
      checkUsable("append");
      if (firstSeq <= lastSeq) {
        throw new IllegalArgumentException(
            "sequence " + firstSeq + " does not follow the last logged " + lastSeq);
      }
      framer.reset();
      if (firstSeq > lastSeq + 1) {
        // Sequence numbers the engine gave to writes without the log (disableWal): record the gap,
        // or replay would take it for a lost record.
        framer.add(lastSeq + 1, WalBatch.skip(firstSeq - lastSeq - 1));
      }
      long seq = firstSeq;
      long entries = 0;
      for (WalBatch b : group) {
        if (b.isSkip()) {
          throw new IllegalArgumentException("skip records are written by the log itself");
        }
        framer.add(seq, b);
        seq += b.count();
        entries += b.count();
      }
      ByteBuffer buf = framer.bytes();
      int length = buf.remaining();
      WritableFile file = current;
      try {
        file.append(buf);
      } catch (IOException e) {
        throw poison(new KiwiIOException("write " + file.path(), e));
      }
      lastSeq = seq - 1;
      segments.recordAppended(entries, lastSeq);
      groups++;
      batches += group.size();
      bytes += length;
    } finally {
      appendLock.unlock();
    }
  }

  @Override
  public void sync() {
    checkUsable("sync"); // an explicit sync after close is a caller's bug, even with nothing new
    syncThrough(lastSeq);
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // written only under syncLock
  @Override
  public void syncThrough(long sequence) {
    if (sequence <= durableSeq) {
      return; // a force that started after this sequence was appended has finished
    }
    syncLock.lock();
    try {
      if (sequence <= durableSeq) {
        return;
      }
      checkUsable("sync");
      // Read before the force: every record through target is in the file already.
      long target = lastSeq;
      if (sequence > target) {
        throw new IllegalArgumentException(
            "sequence " + sequence + " is not in the log (last appended: " + target + ")");
      }
      WritableFile file = current;
      try {
        file.sync();
      } catch (IOException e) {
        throw poison(new KiwiIOException("sync " + file.path(), e));
      }
      syncs++;
      durableSeq = target;
    } finally {
      syncLock.unlock();
    }
  }

  @Override
  public long durableSequence() {
    return durableSeq;
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // syncs: written under syncLock, held here
  @Override
  public long roll() {
    appendLock.lock();
    syncLock.lock();
    try {
      checkUsable("roll");
      WritableFile old = current;
      String op = "sync " + old.path();
      try {
        old.sync();
        syncs++;
        durableSeq = lastSeq;
        op = "close " + old.path();
        old.close();
        op = "create the segment after " + old.path();
        current = segments.create();
        framer = new RecordFramer(LogFormat.HEADER_SIZE);
      } catch (IOException e) {
        throw poison(new KiwiIOException(op, e));
      }
      return segments.currentNumber();
    } finally {
      syncLock.unlock();
      appendLock.unlock();
    }
  }

  @Override
  public int deleteSegmentsThrough(long flushedSequence) {
    return segments.deleteThrough(flushedSequence);
  }

  /** Records the first failure; both the append and the sync side may fail, hence synchronized. */
  private synchronized KiwiIOException poison(KiwiIOException cause) {
    if (failure == null) {
      failure = cause;
      log.atError()
          .addKeyValue("dir", segments.directory())
          .addKeyValue("cause", cause.toString())
          .log("write-ahead log failed; every later write is refused until the database reopens");
    }
    return cause;
  }

  private void checkUsable(String call) {
    if (closed) {
      throw new EngineClosedException("write-ahead log in " + segments.directory(), call);
    }
    RuntimeException f = failure;
    if (f != null) {
      throw new BackgroundErrorException(call + " to the write-ahead log", f);
    }
  }

  @Override
  public long lastSequence() {
    return lastSeq;
  }

  @Override
  public long liveEntryCount() {
    return segments.liveEntries();
  }

  @Override
  public long bytesWritten() {
    return bytes;
  }

  @Override
  public long groupsWritten() {
    return groups;
  }

  @Override
  public long batchesWritten() {
    return batches;
  }

  @Override
  public long syncs() {
    return syncs;
  }

  @Override
  public long currentSegment() {
    return segments.currentNumber();
  }

  @Override
  public List<Long> liveSegments() {
    return segments.liveNumbers();
  }

  @Override
  public Path directory() {
    return segments.directory();
  }

  @Override
  public RuntimeException failure() {
    return failure;
  }

  @Override
  public void close() {
    appendLock.lock();
    syncLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      segments.close();
      WritableFile file = current;
      KiwiIOException err = null;
      if (failure == null) {
        try {
          file.sync();
          durableSeq = lastSeq; // a writer still on its way to syncThrough returns at once
        } catch (IOException e) {
          err = poison(new KiwiIOException("sync " + file.path(), e));
        }
      }
      try {
        file.close();
      } catch (IOException e) {
        if (err == null) {
          err = new KiwiIOException("close " + file.path(), e);
        }
      }
      if (err != null) {
        throw err;
      }
    } finally {
      syncLock.unlock();
      appendLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "WriteAheadLog[" + segments.directory() + ", segment " + segments.currentNumber() + "]";
  }
}
