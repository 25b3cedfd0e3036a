package io.kiwidb.wal;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of a log's segment files: which are live and what they hold, the repair of a
 * damaged tail at open, the creation of each new segment, and the deletion of segments whose
 * records are all in tables. {@link SegmentedLog} writes into the newest one.
 *
 * <p>Invariants: live segment numbers are contiguous, oldest first, the last being the one being
 * written; every new segment is created, given its header, synced and made durable in its directory
 * before a record goes into it; deletion goes oldest first with a directory sync after each file,
 * so a crash part-way never leaves a hole.
 *
 * <p>Thread safety: {@link #create} and {@link #recordAppended} are called by the writer under its
 * lock; {@link #deleteThrough} may run concurrently on another thread (it has its own lock and does
 * its I/O under neither); the book-keeping is guarded by {@code segments}' monitor.
 */
final class SegmentSet {
  private static final Logger log = LoggerFactory.getLogger(SegmentSet.class);

  /** Book-keeping of one live segment. */
  private static final class Segment {
    final long number;
    final Path file;
    long entries;
    long lastSeq; // 0 while empty

    Segment(long number, Path file, long entries, long lastSeq) {
      this.number = number;
      this.file = file;
      this.entries = entries;
      this.lastSeq = lastSeq;
    }
  }

  private final FileSystem fs;
  private final Path dir;
  private final ReentrantLock deleteLock = new ReentrantLock();

  @GuardedBy("itself")
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();

  private final AtomicLong liveEntries = new AtomicLong();
  private volatile long currentNumber;
  private volatile boolean closed;

  private SegmentSet(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  /**
   * The segments {@code recovered} found in {@code dir}, after setting damage aside (see {@link
   * WriteAheadLog#open}). No segment is created yet: the caller creates the first one to write.
   *
   * @throws IOException if the repair cannot be made durable
   * @throws IllegalStateException if {@code recovered} does not describe {@code dir}
   */
  static SegmentSet recover(FileSystem fs, Path dir, WalReplay.Result recovered)
      throws IOException {
    SegmentSet set = new SegmentSet(fs, dir);
    fs.createDirectories(dir);
    for (Path p : fs.list(dir)) {
      if (p.getFileName().toString().endsWith(".log.tmp")) {
        fs.delete(p); // a repair cut short by a crash; the original is still in place
      }
    }
    checkMatches(fs, dir, recovered);
    List<WalReplay.Segment> live = new ArrayList<>(recovered.segments());
    if (recovered.damage().isPresent()) {
      set.setAside(recovered, live);
    }
    synchronized (set.segments) {
      for (WalReplay.Segment s : live) {
        set.segments.add(new Segment(s.number(), s.file(), s.entries(), s.lastSequence()));
        set.liveEntries.addAndGet(s.entries());
      }
    }
    set.currentNumber =
        live.isEmpty() ? recovered.highestSegment() : live.get(live.size() - 1).number();
    return set;
  }

  /**
   * Refuses a replay result that does not describe the directory (a stale one, or {@code empty()}
   * for a directory with segments): opening with it could overwrite a segment nobody replayed.
   */
  private static void checkMatches(FileSystem fs, Path walDir, WalReplay.Result recovered)
      throws IOException {
    Set<String> onDisk = new TreeSet<>();
    for (Path p : WalReplay.segmentFiles(fs, walDir)) {
      onDisk.add(p.getFileName().toString());
    }
    Set<String> known = new TreeSet<>();
    recovered.segments().forEach(s -> known.add(s.file().getFileName().toString()));
    recovered.skippedSegments().forEach(p -> known.add(p.getFileName().toString()));
    if (!onDisk.equals(known)) {
      throw new IllegalStateException(
          "the replay result does not match "
              + walDir
              + ": it knows segments "
              + known
              + " but the directory holds "
              + onDisk
              + "; replay the directory, then open it");
    }
  }

  /** Cuts the damaged segment to its valid prefix and renames skipped segments away. */
  private void setAside(WalReplay.Result recovered, List<WalReplay.Segment> live)
      throws IOException {
    WalReplay.Damage damage = recovered.damage().orElseThrow();
    // Highest first, with a directory sync before the damaged segment is cut: a crash part-way
    // must never leave a clean-looking damaged segment followed by segments from after the damage.
    List<Path> skipped = new ArrayList<>(recovered.skippedSegments());
    for (int i = skipped.size() - 1; i >= 0; i--) {
      Path p = skipped.get(i);
      fs.rename(p, aside(p, ".dropped"));
    }
    fs.syncDirectory(dir);
    WalReplay.Segment damaged = live.isEmpty() ? null : live.get(live.size() - 1);
    if (damaged == null || !damaged.file().equals(damage.file())) {
      return; // the damage was a missing segment: only skipped segments to set aside
    }
    Path file = damaged.file();
    long keep = damaged.validBytes();
    Path tail;
    try (ReadableFile in = fs.openRead(file)) {
      long size = in.size();
      tail = aside(file, ".tail");
      copy(in, keep, size, tail);
      if (keep < LogFormat.HEADER_SIZE) {
        live.remove(live.size() - 1);
        fs.rename(file, aside(file, ".dropped"));
      } else {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        copy(in, 0, keep, tmp);
        fs.rename(tmp, file);
      }
    }
    fs.syncDirectory(dir);
    log.atWarn()
        .addKeyValue("file", file)
        .addKeyValue("kept_bytes", keep)
        .addKeyValue("set_aside", tail)
        .addKeyValue("dropped_segments", skipped.size())
        .log("WAL repaired after replay: damaged tail set aside");
  }

  /**
   * A free name for a set-aside file: {@code 000007.log.tail}, or with {@code .2}, {@code .3}...
   */
  private Path aside(Path file, String suffix) {
    Path p = file.resolveSibling(file.getFileName() + suffix);
    for (int k = 2; fs.exists(p); k++) {
      p = file.resolveSibling(file.getFileName() + suffix + "." + k);
    }
    return p;
  }

  private void copy(ReadableFile in, long from, long to, Path target) throws IOException {
    try (WritableFile out = fs.create(target)) {
      byte[] buf = new byte[LogFormat.BLOCK_SIZE];
      for (long pos = from; pos < to; ) {
        int n = (int) Math.min(buf.length, to - pos);
        in.readFully(pos, buf, 0, n);
        out.append(buf, 0, n);
        pos += n;
      }
      out.sync();
    }
  }

  /**
   * Creates the next segment (numbered right after the newest live or seen one, so live numbers
   * stay contiguous and set-aside files never clash), writes its header, syncs it and makes it
   * durable in its directory.
   *
   * @return the open segment, positioned after its header
   */
  WritableFile create() throws IOException {
    long number = currentNumber + 1;
    Path file = dir.resolve(LogFormat.fileName(number));
    WritableFile f = fs.create(file);
    try {
      f.append(LogFormat.header(number));
      f.sync();
      fs.syncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      try {
        f.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    synchronized (segments) {
      segments.add(new Segment(number, file, 0, 0));
    }
    currentNumber = number;
    return f;
  }

  /** Records that the current segment now holds {@code entries} more, up to {@code lastSeq}. */
  void recordAppended(long entries, long lastSeq) {
    synchronized (segments) {
      Segment s = segments.peekLast();
      s.entries += entries;
      s.lastSeq = lastSeq;
    }
    liveEntries.addAndGet(entries);
  }

  /** See {@link WriteAheadLog#deleteSegmentsThrough}. */
  int deleteThrough(long flushedSequence) {
    deleteLock.lock();
    try {
      if (closed) {
        throw new EngineClosedException("write-ahead log in " + dir, "deleteSegmentsThrough");
      }
      int deleted = 0;
      while (true) {
        Segment s;
        synchronized (segments) {
          s = segments.peekFirst();
          if (s == null || s.number == currentNumber || s.lastSeq > flushedSequence) {
            return deleted;
          }
        }
        try {
          fs.delete(s.file);
          fs.syncDirectory(dir);
        } catch (IOException e) {
          throw new KiwiIOException("delete " + s.file, e);
        }
        synchronized (segments) {
          segments.removeFirst();
        }
        liveEntries.addAndGet(-s.entries);
        deleted++;
      }
    } finally {
      deleteLock.unlock();
    }
  }

  /** Refuses deletions from now on. */
  void close() {
    deleteLock.lock();
    try {
      closed = true;
    } finally {
      deleteLock.unlock();
    }
  }

  long liveEntries() {
    return liveEntries.get();
  }

  long currentNumber() {
    return currentNumber;
  }

  Path directory() {
    return dir;
  }

  List<Long> liveNumbers() {
    synchronized (segments) {
      List<Long> out = new ArrayList<>(segments.size());
      segments.forEach(s -> out.add(s.number));
      return out;
    }
  }
}
