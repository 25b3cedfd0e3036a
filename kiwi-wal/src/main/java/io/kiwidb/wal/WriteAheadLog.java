package io.kiwidb.wal;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.List;

/**
 * The write-ahead log: segments of checksummed records ({@code docs/format/wal.md}), written by one
 * thread at a time, the engine's commit leader. The log is passive: it frames, appends, syncs and
 * rolls when told, and calls nobody back. Group commit (sharing one write and one fsync among
 * concurrent writers) is the engine's job; the log makes it cheap by taking a whole group in one
 * {@link #append}.
 *
 * <p>Segments: the engine rolls to a new segment whenever it freezes a memtable, so a segment's
 * records all belong to memtables frozen before the next roll, and deletes segments by sequence
 * number once tables hold everything in them ({@link #deleteSegmentsThrough}).
 *
 * <p>Failures: a failed write or sync poisons the log: that call throws {@link KiwiIOException},
 * and every later {@link #append}, {@link #sync} and {@link #roll} throws a {@link
 * BackgroundErrorException} whose cause is it. A failed fsync is never retried: after it the kernel
 * may have dropped the dirty pages and report the next fsync as a success, so no later fsync could
 * vouch for those bytes. Reopening (replay) is the only way back.
 *
 * <p>Invariants: sequence order == log order; every segment but the newest ends on a record
 * boundary and is synced; live segment numbers are contiguous ({@link #open} cuts a torn or damaged
 * tail before it creates a new segment, {@link #roll} syncs the old segment before it creates the
 * next, {@link #deleteSegmentsThrough} deletes oldest first, syncing the directory after each).
 *
 * <p>Sequence numbers: {@link #append} takes a group's first sequence number; one above the last
 * logged. A larger one leaves a gap (sequence numbers the engine gave to writes with {@code
 * disableWal}): the log records it as a skip record (format version 2), so the numbers in the log
 * stay contiguous and replay still catches a lost record.
 *
 * <p>Thread safety: safe from any thread. {@link #append}, {@link #roll} and {@link #close}
 * serialise on an internal lock (the commit leader's: never contended in practice); {@link
 * #syncThrough} and {@link #sync} serialise on a second one and run concurrently with {@link
 * #append}; {@link #deleteSegmentsThrough} and the counters may be called from any thread.
 */
public interface WriteAheadLog extends Closeable {
  /**
   * Opens the log for writing after a replay: sets damage aside, then starts a new segment numbered
   * after every segment seen, so nothing is ever appended to a segment written before.
   *
   * <p>If {@code recovered} reports damage, the valid prefix of the damaged segment is rewritten
   * (to {@code NNNNNN.log.tmp}, synced, renamed over the original) and its dropped tail is kept in
   * {@code NNNNNN.log.tail}; skipped later segments are renamed to {@code NNNNNN.log.dropped}.
   * Without this, records appended after the reopen would sit behind the damage and a second replay
   * would stop before them, losing acknowledged writes.
   *
   * @param recovered the result of {@link WalReplay#replay} on the same directory, with no change
   *     in between (the caller holds the database lock)
   * @param lastSequence the last sequence number already used anywhere (the WAL's or the tables'),
   *     at least {@code recovered.lastSequence()}
   * @throws KiwiIOException if the directory or the new segment cannot be made durable
   * @throws IllegalArgumentException if {@code lastSequence} is below the recovered one
   * @throws IllegalStateException if {@code recovered} does not list exactly the directory's
   *     segments
   */
  static WriteAheadLog open(
      FileSystem fs, Path walDir, WalReplay.Result recovered, long lastSequence) {
    return SegmentedLog.open(fs, walDir, recovered, lastSequence);
  }

  /**
   * Appends one commit group as one write: each batch becomes one record, with sequence numbers
   * from {@code firstSeq} on, in order. The bytes are in the operating system when this returns,
   * durable only after {@link #sync}.
   *
   * @param firstSeq the first sequence number of the first batch; above every one logged before
   * @throws KiwiIOException if the write fails (the log is then failed; the group may be partly in
   *     the file, which replay treats as a torn tail)
   * @throws BackgroundErrorException if the log failed earlier
   * @throws EngineClosedException if the log is closed
   */
  void append(long firstSeq, List<WalBatch> batches);

  /**
   * Makes everything appended so far durable (one {@code fdatasync} of the current segment).
   *
   * @throws KiwiIOException if the sync fails (the log is then failed)
   */
  void sync();

  /**
   * Returns once every record through {@code sequence} (and so every earlier one) is durable. If a
   * force that started after that record was appended has finished, this returns at once; otherwise
   * it forces the current segment, covering everything appended until the force starts. So
   * concurrent callers share forces: this is where synced writers of different commit groups share
   * one {@code fdatasync}. Unlike the other writing calls, it may run concurrently with {@link
   * #append}, and never waits for one.
   *
   * @throws IllegalArgumentException if {@code sequence} was not appended
   * @throws KiwiIOException if the sync fails (the log is then failed)
   * @throws BackgroundErrorException if the log failed earlier
   * @throws EngineClosedException if the log was closed without making {@code sequence} durable
   */
  void syncThrough(long sequence);

  /** The last sequence number known durable: everything through it has been forced. */
  long durableSequence();

  /**
   * Syncs and closes the current segment and starts the next one; later appends go there. The
   * engine calls it when it freezes a memtable.
   *
   * @return the new segment's number
   * @throws KiwiIOException if the sync or the new segment fails (the log is then failed)
   */
  long roll();

  /**
   * Deletes, oldest first, every segment except the current one whose records all have sequence
   * numbers at most {@code flushedSequence} (they are safely in tables), syncing the directory
   * after each. Stops at the first segment it must keep.
   *
   * @return how many segments were deleted
   * @throws KiwiIOException if a delete fails (the log itself stays usable)
   */
  int deleteSegmentsThrough(long flushedSequence);

  /** The last sequence number appended (the seed given to {@link #open} at first). */
  long lastSequence();

  /** Operations in the live segments: appended since open plus those recovered. */
  long liveEntryCount();

  /** Record bytes (framing included, segment headers not) appended since open. */
  long bytesWritten();

  /** Appends (commit groups) since open. */
  long groupsWritten();

  /** Batches appended since open; with {@link #groupsWritten()}, the average group size. */
  long batchesWritten();

  /** Syncs since open. */
  long syncs();

  /** The number of the segment being written. */
  long currentSegment();

  /** The numbers of the live segments, oldest first (the last is the current one). */
  List<Long> liveSegments();

  /** The log's directory. */
  Path directory();

  /** The failure that stopped the log, or {@code null} while it is healthy. */
  RuntimeException failure();

  /**
   * Syncs (unless the log already failed) and closes the current segment. Idempotent; every later
   * call except this one fails with {@link EngineClosedException}.
   *
   * @throws KiwiIOException if the final sync fails
   */
  @Override
  void close();
}
