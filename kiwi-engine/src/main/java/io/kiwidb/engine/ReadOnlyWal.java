package io.kiwidb.engine;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.ReadOnlyEngineException;
import io.kiwidb.wal.WalBatch;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import java.nio.file.Path;
import java.util.List;

/**
 * The log of a read-only engine: the segments as replayed at open, never written, rolled or
 * trimmed. {@link #append}, {@link #sync}, {@link #roll} and a {@link #syncThrough} past the
 * replayed records throw {@link ReadOnlyEngineException} (the engine refuses writes before they get
 * here); {@link #deleteSegmentsThrough} deletes nothing.
 *
 * <p>Thread safety: immutable apart from the closed flag.
 */
final class ReadOnlyWal implements WriteAheadLog {
  private final Path dir;
  private final Path root;
  private final long lastSequence;
  private final long entries;
  private final List<Long> segments;
  private volatile boolean closed;

  ReadOnlyWal(Path dir, Path root, WalReplay.Result replay, long lastSequence) {
    this.dir = dir;
    this.root = root;
    this.lastSequence = lastSequence;
    this.entries = replay.entries();
    this.segments = replay.segments().stream().map(WalReplay.Segment::number).toList();
  }

  private RuntimeException refused(String call) {
    if (closed) {
      return new EngineClosedException("write-ahead log " + dir, call);
    }
    return new ReadOnlyEngineException("engine at " + root, call);
  }

  @Override
  public void append(long firstSeq, List<WalBatch> batches) {
    throw refused("append");
  }

  @Override
  public void sync() {
    throw refused("sync");
  }

  /** Everything replayed was on disk before this engine opened; nothing later can exist. */
  @Override
  public void syncThrough(long sequence) {
    if (sequence > lastSequence) {
      throw refused("syncThrough");
    }
  }

  @Override
  public long durableSequence() {
    return lastSequence;
  }

  @Override
  public long roll() {
    throw refused("roll");
  }

  @Override
  public int deleteSegmentsThrough(long flushedSequence) {
    return 0;
  }

  @Override
  public long lastSequence() {
    return lastSequence;
  }

  @Override
  public long liveEntryCount() {
    return entries;
  }

  @Override
  public long bytesWritten() {
    return 0;
  }

  @Override
  public long groupsWritten() {
    return 0;
  }

  @Override
  public long batchesWritten() {
    return 0;
  }

  @Override
  public long syncs() {
    return 0;
  }

  @Override
  public long currentSegment() {
    return segments.isEmpty() ? 0 : segments.get(segments.size() - 1);
  }

  @Override
  public List<Long> liveSegments() {
    return segments;
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public RuntimeException failure() {
    return null;
  }

  @Override
  public void close() {
    closed = true;
  }
}
