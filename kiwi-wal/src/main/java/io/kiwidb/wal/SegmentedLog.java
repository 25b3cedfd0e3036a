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
 * <p>Thread safety: see {@link WriteAheadLog}. {@code lock} is held by the one writing thread for
 * each call; it exists to make a second writer wait rather than corrupt the framing, and to order
 * {@link #close} after a call in flight.
 */
final class SegmentedLog implements WriteAheadLog {
  private static final Logger log = LoggerFactory.getLogger(SegmentedLog.class);

  private final SegmentSet segments;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private WritableFile current;

  @GuardedBy("lock")
  private RecordFramer framer;

  private volatile long lastSeq; // written under lock
  private volatile boolean closed; // written under lock
  private volatile RuntimeException failure; // the first failure; written under lock
  private volatile long groups; // written under lock
  private volatile long batches; // written under lock
  private volatile long bytes; // written under lock
  private volatile long syncs; // written under lock

  private SegmentedLog(SegmentSet segments, long lastSeq) {
    this.segments = segments;
    this.lastSeq = lastSeq;
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
      wal.lock.lock();
      try {
        wal.current = set.create();
        wal.framer = new RecordFramer(LogFormat.HEADER_SIZE);
      } finally {
        wal.lock.unlock();
      }
      return wal;
    } catch (IOException e) {
      throw new KiwiIOException("open write-ahead log in " + walDir, e);
    }
  }

  // The counters are written only under lock; volatile is for readers of the stats.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  @Override
  public void append(long firstSeq, List<WalBatch> group) {
    lock.lock();
    try {
      checkUsable("append");
      if (firstSeq <= lastSeq) {
        throw new IllegalArgumentException(
            "sequence " + firstSeq + " does not follow the last logged " + lastSeq);
      }
      framer.reset();
      long seq = firstSeq;
      long entries = 0;
      for (WalBatch b : group) {
        framer.add(seq, b);
        seq += b.count();
        entries += b.count();
      }
      ByteBuffer buf = framer.bytes();
      int length = buf.remaining();
      try {
        current.append(buf);
      } catch (IOException e) {
        throw poison(new KiwiIOException("write " + current.path(), e));
      }
      lastSeq = seq - 1;
      segments.recordAppended(entries, lastSeq);
      groups++;
      batches += group.size();
      bytes += length;
    } finally {
      lock.unlock();
    }
  }

  @SuppressWarnings("NonAtomicVolatileUpdate") // written only under lock
  @Override
  public void sync() {
    lock.lock();
    try {
      checkUsable("sync");
      try {
        current.sync();
      } catch (IOException e) {
        throw poison(new KiwiIOException("sync " + current.path(), e));
      }
      syncs++;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long roll() {
    lock.lock();
    try {
      checkUsable("roll");
      String op = "sync " + current.path();
      try {
        current.sync();
        op = "close " + current.path();
        current.close();
        op = "create the segment after " + current.path();
        current = segments.create();
        framer = new RecordFramer(LogFormat.HEADER_SIZE);
      } catch (IOException e) {
        throw poison(new KiwiIOException(op, e));
      }
      return segments.currentNumber();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int deleteSegmentsThrough(long flushedSequence) {
    return segments.deleteThrough(flushedSequence);
  }

  private KiwiIOException poison(KiwiIOException cause) {
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
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      segments.close();
      KiwiIOException err = null;
      if (failure == null) {
        try {
          current.sync();
        } catch (IOException e) {
          err = poison(new KiwiIOException("sync " + current.path(), e));
        }
      }
      try {
        current.close();
      } catch (IOException e) {
        if (err == null) {
          err = new KiwiIOException("close " + current.path(), e);
        }
      }
      if (err != null) {
        throw err;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "WriteAheadLog[" + segments.directory() + ", segment " + segments.currentNumber() + "]";
  }
}
