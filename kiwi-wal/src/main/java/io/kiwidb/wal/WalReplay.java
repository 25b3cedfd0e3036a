package io.kiwidb.wal;

import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the log back after a restart: every segment in number order, every record in order, each
 * handed whole to a {@link Visitor}. Read-only: repairing the files (cutting a torn tail, setting a
 * damaged suffix aside) is {@link WriteAheadLog#open}'s job, given this method's {@link Result}.
 *
 * <p>Rules, in both {@link RecoveryMode}s: a record is delivered only after every chunk's checksum
 * and the payload's structure were verified; records within a segment must carry contiguous
 * sequence numbers and segments strictly increasing ones; live segment numbers must be contiguous
 * (the writer deletes oldest first, syncing the directory after each). A torn tail at the end of
 * the newest segment ends replay cleanly at the last whole record. Anything else is damage: {@link
 * RecoveryMode#STRICT} throws {@link CorruptionException} with the file and offset; {@link
 * RecoveryMode#POINT_IN_TIME} stops before the damaged record, reads no later record or segment,
 * logs what it dropped and reports it in {@link Result#damage()}. A segment written by an unknown
 * format version fails in both modes.
 *
 * <p>Thread safety: stateless; the caller must hold the database lock so no writer runs.
 */
public final class WalReplay {
  private static final Logger log = LoggerFactory.getLogger(WalReplay.class);

  private WalReplay() {}

  /** Receives each recovered batch, in sequence order. */
  @FunctionalInterface
  public interface Visitor {
    /** One batch whose operations carry sequence numbers from {@code firstSeq} on. */
    void record(long firstSeq, WalBatch batch);
  }

  /**
   * One segment that replay read (fully, or up to its damage).
   *
   * @param number the segment number
   * @param file its path
   * @param records whole records delivered from it
   * @param entries operations in those records
   * @param firstSequence the first sequence number in it, or 0 if it delivered no record
   * @param lastSequence the last sequence number in it, or 0 if it delivered no record
   * @param validBytes the end of its last whole record (or of its header)
   * @param sizeBytes its size on disk
   */
  public record Segment(
      long number,
      Path file,
      long records,
      long entries,
      long firstSequence,
      long lastSequence,
      long validBytes,
      long sizeBytes) {}

  /** What replay dropped and why. */
  public enum DamageKind {
    /** The newest segment ends inside a record: a write cut short by a crash. Normal. */
    TORN_TAIL,
    /** A checksum, structure, sequence or missing-segment failure ({@code point_in_time} only). */
    CORRUPTION
  }

  /**
   * Where replay stopped early.
   *
   * @param kind torn tail or corruption
   * @param file the segment holding the first byte not replayed
   * @param offset that byte's offset (the start of the first record not replayed)
   * @param droppedBytes bytes not replayed: the rest of {@code file} plus every later segment
   * @param detail what check failed
   */
  public record Damage(DamageKind kind, Path file, long offset, long droppedBytes, String detail) {}

  /**
   * The outcome of a replay.
   *
   * @param segments segments read, oldest first (the damaged one, if any, last)
   * @param skippedSegments later segments not read because of damage before them
   * @param records whole records delivered
   * @param entries operations delivered
   * @param lastSequence the last sequence number delivered, 0 if none
   * @param damage where and why replay stopped before the end, if it did
   */
  public record Result(
      List<Segment> segments,
      List<Path> skippedSegments,
      long records,
      long entries,
      long lastSequence,
      Optional<Damage> damage) {
    /** Copies the lists. */
    public Result {
      segments = List.copyOf(segments);
      skippedSegments = List.copyOf(skippedSegments);
      Objects.requireNonNull(damage);
    }

    /** The result for a directory without segments. */
    public static Result empty() {
      return new Result(List.of(), List.of(), 0, 0, 0, Optional.empty());
    }

    /** The highest segment number seen (read or skipped), or 0 if none. */
    public long highestSegment() {
      long max = 0;
      for (Segment s : segments) {
        max = Math.max(max, s.number());
      }
      for (Path p : skippedSegments) {
        max = Math.max(max, LogFormat.parseFileName(p.getFileName().toString()));
      }
      return max;
    }
  }

  /**
   * Replays every segment under {@code walDir}. A missing directory is an empty log.
   *
   * @throws CorruptionException in {@code strict} mode for any damage, in both modes for an unknown
   *     format version; the message names the file and offset
   * @throws KiwiIOException if reading fails
   */
  public static Result replay(FileSystem fs, Path walDir, RecoveryMode mode, Visitor visitor) {
    return replay(fs, walDir, mode, -1, visitor);
  }

  /**
   * Replays every segment under {@code walDir}, also checking that no records are missing between
   * segments. A segment cut short exactly at a record boundary looks complete to its own framing;
   * only the sequence numbers show the loss. The writer numbers records contiguously and deletes a
   * segment only once tables hold all of it, so a segment's first record may skip only sequence
   * numbers that the tables already hold: {@code firstSeq <= max(previous record's last,
   * coveredThrough) + 1}. A larger jump is damage, reported at that first record. The oldest
   * segment is not checked: nothing in the log precedes it, so a gap before it says the tables (the
   * manifest) lost an edit or an older segment is gone, and the caller, which knows which, checks
   * {@code segments().get(0).firstSequence()} itself.
   *
   * @param coveredThrough the last sequence number durable outside the log (the tables'), or -1 if
   *     unknown (no gap check, as {@link #replay(FileSystem, Path, RecoveryMode, Visitor)})
   * @throws CorruptionException as {@link #replay(FileSystem, Path, RecoveryMode, Visitor)}
   * @throws KiwiIOException if reading fails
   */
  public static Result replay(
      FileSystem fs, Path walDir, RecoveryMode mode, long coveredThrough, Visitor visitor) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(visitor, "visitor");
    if (!fs.exists(walDir)) {
      return Result.empty();
    }
    List<Path> files;
    try {
      files = segmentFiles(fs, walDir);
    } catch (IOException e) {
      throw new KiwiIOException("list " + walDir, e);
    }
    List<Segment> read = new ArrayList<>();
    long records = 0;
    long entries = 0;
    long lastSeq = 0;
    long prevNumber = -1;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      long number = LogFormat.parseFileName(file.getFileName().toString());
      boolean newest = i == files.size() - 1;
      // Nothing in the log precedes the oldest segment: whether its first record follows the
      // tables is the caller's check (a gap there means the tables lost an edit, or an older
      // segment is gone), see Segment#firstSequence.
      boolean oldest = i == 0;
      if (prevNumber >= 0 && number != prevNumber + 1) {
        String detail =
            "segment "
                + LogFormat.fileName(prevNumber + 1)
                + " is missing: live segments must be contiguous, found "
                + LogFormat.fileName(prevNumber)
                + " then "
                + LogFormat.fileName(number);
        CorruptionException ce =
            new CorruptionException(file.toString(), CorruptionException.UNKNOWN_OFFSET, detail);
        return stop(fs, mode, ce, read, files, i, file, 0, 0, records, entries, lastSeq);
      }
      prevNumber = number;
      long size;
      SegmentReader.End end;
      long[] stats = new long[4]; // records, entries, first seq, last seq
      final long seqBefore = lastSeq;
      try (ReadableFile rf = fs.openRead(file)) {
        size = rf.size();
        end =
            new SegmentReader(rf, number, size)
                .read(
                    (firstSeq, batch, start, stop) -> {
                      long prev = stats[0] == 0 ? seqBefore : stats[3];
                      if (stats[0] == 0 ? firstSeq <= prev : firstSeq != prev + 1) {
                        return "record sequence "
                            + firstSeq
                            + " does not follow "
                            + prev
                            + (stats[0] == 0
                                ? " (segments must increase)"
                                : " (must be contiguous)");
                      }
                      if (stats[0] == 0
                          && !oldest
                          && coveredThrough >= 0
                          && firstSeq - 1 > Math.max(prev, coveredThrough)) {
                        return "record sequence "
                            + firstSeq
                            + " leaves a gap after "
                            + Math.max(prev, coveredThrough)
                            + " (last record before this segment: "
                            + prev
                            + ", tables hold through "
                            + coveredThrough
                            + "): records before this segment are missing";
                      }
                      // A skip record only accounts for sequence numbers the log did not record
                      // (writes with disableWal); the visitor never sees it.
                      if (!batch.isSkip()) {
                        visitor.record(firstSeq, batch);
                      }
                      if (stats[0] == 0) {
                        stats[2] = firstSeq;
                      }
                      stats[0]++;
                      stats[1] += batch.count();
                      stats[3] = firstSeq + batch.sequenceCount() - 1;
                      return null;
                    });
      } catch (IOException e) {
        throw new KiwiIOException("read " + file, e);
      }
      records += stats[0];
      entries += stats[1];
      if (stats[0] > 0) {
        lastSeq = stats[3];
      }
      read.add(
          new Segment(number, file, stats[0], stats[1], stats[2], stats[3], end.validEnd(), size));
      switch (end.kind()) {
        case CLEAN -> {}
        case TORN -> {
          if (newest) {
            Damage d =
                new Damage(
                    DamageKind.TORN_TAIL,
                    file,
                    end.validEnd(),
                    size - end.validEnd(),
                    end.detail());
            log.atInfo()
                .addKeyValue("file", file)
                .addKeyValue("offset", end.validEnd())
                .addKeyValue("dropped_bytes", d.droppedBytes())
                .addKeyValue("detail", end.detail())
                .log(
                    "WAL ends with a torn record (a write cut short by a crash); replay ends before it");
            return new Result(read, List.of(), records, entries, lastSeq, Optional.of(d));
          }
          CorruptionException ce =
              new CorruptionException(
                  file.toString(),
                  end.validEnd(),
                  end.detail() + ", but only the newest segment may end with a torn record");
          return stop(
              fs,
              mode,
              ce,
              read,
              files,
              i + 1,
              file,
              end.validEnd(),
              size - end.validEnd(),
              records,
              entries,
              lastSeq);
        }
        case UNSUPPORTED_VERSION ->
            throw new CorruptionException(file.toString(), end.problemOffset(), end.detail());
        case CORRUPT -> {
          CorruptionException ce =
              new CorruptionException(file.toString(), end.problemOffset(), end.detail());
          return stop(
              fs,
              mode,
              ce,
              read,
              files,
              i + 1,
              file,
              end.validEnd(),
              size - end.validEnd(),
              records,
              entries,
              lastSeq);
        }
      }
    }
    return new Result(read, List.of(), records, entries, lastSeq, Optional.empty());
  }

  /** Stops at damage: throws in strict mode, else reports what is dropped from here on. */
  private static Result stop(
      FileSystem fs,
      RecoveryMode mode,
      CorruptionException ce,
      List<Segment> read,
      List<Path> files,
      int firstSkipped,
      Path damagedFile,
      long offset,
      long droppedInDamaged,
      long records,
      long entries,
      long lastSeq) {
    if (mode == RecoveryMode.STRICT) {
      throw ce;
    }
    List<Path> skipped = files.subList(firstSkipped, files.size());
    long dropped = droppedInDamaged;
    for (Path p : skipped) {
      try {
        dropped += fs.size(p);
      } catch (IOException e) {
        throw new KiwiIOException("size " + p, e);
      }
    }
    Damage d = new Damage(DamageKind.CORRUPTION, damagedFile, offset, dropped, ce.getMessage());
    log.atWarn()
        .addKeyValue("file", damagedFile)
        .addKeyValue("offset", offset)
        .addKeyValue("dropped_bytes", dropped)
        .addKeyValue("skipped_segments", skipped.size())
        .addKeyValue("cause", ce.getMessage())
        .log(
            "WAL damaged: point-in-time recovery stops before the first bad record, drops the rest");
    return new Result(read, skipped, records, entries, lastSeq, Optional.of(d));
  }

  /** The segment files in a directory, in number order; other files are ignored. */
  static List<Path> segmentFiles(FileSystem fs, Path walDir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : fs.list(walDir)) {
      if (LogFormat.parseFileName(p.getFileName().toString()) >= 0) {
        out.add(p);
      }
    }
    out.sort((a, b) -> Long.compare(num(a), num(b)));
    return out;
  }

  private static long num(Path p) {
    return LogFormat.parseFileName(p.getFileName().toString());
  }
}
