package io.kiwidb.engine;

import io.kiwidb.api.CheckpointInfo;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.sstable.TableCheckpoint;
import io.kiwidb.sstable.TableStore;
import io.kiwidb.wal.WalReplay;
import io.kiwidb.wal.WriteAheadLog;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes checkpoints ({@link io.kiwidb.api.StorageEngine#checkpoint}): an openable copy of the store
 * at one sequence number, taken while writes go on.
 *
 * <h2>How</h2>
 *
 * <ol>
 *   <li>The target is checked (absent or an empty directory, outside the data directory) and a
 *       staging directory {@code <target>.checkpoint-tmp} is made (a leftover of a killed
 *       checkpoint is removed first).
 *   <li><b>The cut.</b> The log is rolled: every record appended before the roll, so every write
 *       acknowledged before the call, is now in a closed segment that is never written again, and
 *       no record after the roll is in one. The log's own lock serialises the roll with the commit
 *       leader's appends, so writers wait for one segment switch, never for the copying. A
 *       read-only engine does not roll: its segments are closed already.
 *   <li>The closed segments are listed, <em>then</em> the tables are pinned together with the last
 *       sequence they hold ({@link TableStore#pinForCheckpoint()}). In this order a segment missing
 *       from the list was deleted after a table install that the pin includes, so nothing it held
 *       is lost.
 *   <li>The pinned tables are hard-linked into {@code sst/} (they are immutable; copied where links
 *       fail), the listed segments are copied into {@code wal/}, each copy synced, and a manifest
 *       and {@code CURRENT} describing exactly the pinned tables are written; then the config, an
 *       empty {@code LOCK}, and a sync of every directory.
 *   <li>The copy is checked by replaying its log; its last sequence number, or the tables' if
 *       larger, is the checkpoint's sequence. Then the staging directory is renamed to the target
 *       and the parent synced.
 * </ol>
 *
 * <p>If a listed segment disappears before it is copied (a flush finished meanwhile and the log
 * deleted it), the pin may lack that flush's table, so the attempt starts over with a new cut (at
 * most {@link #ATTEMPTS} times).
 *
 * <p>Safety: the store's own files are only read and linked, never written, so a crash or kill at
 * any point leaves the store as it was, and either no target (a staging directory remains) or a
 * complete one.
 *
 * <p>Thread safety: safe from any thread; concurrent checkpoints to different targets are
 * independent.
 */
final class Checkpointer {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  /** Tries before giving up when flushes keep deleting segments under the copy. */
  static final int ATTEMPTS = 5;

  /** Staging directory suffix. */
  static final String STAGING_SUFFIX = ".checkpoint-tmp";

  private static final Pattern SEGMENT = Pattern.compile("(\\d+)\\.log");

  private final FileSystem fs;
  private final DataDirectory dir;
  private final WriteAheadLog wal;
  private final TableStore tables;
  private final ConfigStore config;
  private final WriteAccess access;
  private final BackgroundErrors errors;

  @Inject
  Checkpointer(
      FileSystem fs,
      DataDirectory dir,
      WriteAheadLog wal,
      TableStore tables,
      ConfigStore config,
      WriteAccess access,
      BackgroundErrors errors) {
    this.fs = fs;
    this.dir = dir;
    this.wal = wal;
    this.tables = tables;
    this.config = config;
    this.access = access;
    this.errors = errors;
  }

  /** See {@link io.kiwidb.api.StorageEngine#checkpoint}. */
  CheckpointInfo checkpoint(Path target) {
    long started = System.nanoTime();
    Path to = checkTarget(target);
    Path staging = to.resolveSibling(to.getFileName() + STAGING_SUFFIX);
    if (!access.isReadOnly()) {
      errors.check("checkpoint");
    }
    Attempt done = null;
    for (int attempt = 1; done == null; attempt++) {
      try {
        prepareStaging(to, staging);
        done = attempt(staging);
      } catch (SegmentVanished e) {
        if (attempt >= ATTEMPTS) {
          removeQuietly(staging);
          throw new KiwiIOException(
              "checkpoint to "
                  + to
                  + ": flushes deleted log segments during "
                  + ATTEMPTS
                  + " attempts in a row; try again",
              e.missing);
        }
        log.atInfo()
            .setMessage("Checkpoint retried: a flush deleted a segment being copied")
            .addKeyValue("attempt", attempt)
            .log();
      } catch (IOException e) {
        removeQuietly(staging);
        throw new KiwiIOException("checkpoint to " + to, e);
      } catch (RuntimeException e) {
        removeQuietly(staging);
        throw e;
      }
    }
    try {
      if (fs.exists(to)) {
        fs.delete(to); // empty (checked): the rename replaces it
      }
      fs.rename(staging, to);
      fs.syncDirectory(to.getParent());
    } catch (IOException e) {
      removeQuietly(staging);
      throw new KiwiIOException("checkpoint: rename " + staging + " to " + to, e);
    }
    CheckpointInfo info =
        new CheckpointInfo(
            to,
            done.sequence,
            done.linked,
            done.copied,
            done.segments,
            done.bytes,
            Duration.ofNanos(System.nanoTime() - started),
            Optional.ofNullable(done.linkFailure));
    log.atInfo()
        .setMessage("Checkpoint made")
        .addKeyValue("target", to)
        .addKeyValue("seq", info.sequence())
        .addKeyValue("tables_linked", info.tablesLinked())
        .addKeyValue("tables_copied", info.tablesCopied())
        .addKeyValue("wal_segments", info.walSegments())
        .addKeyValue("bytes_copied", info.bytesCopied())
        .addKeyValue("elapsed_ms", info.elapsed().toMillis())
        .log();
    return info;
  }

  /** The absolute target, after checking it may become a checkpoint. */
  private Path checkTarget(Path target) {
    if (target == null) {
      throw new NullPointerException("target");
    }
    Path to = target.toAbsolutePath().normalize();
    if (to.getParent() == null) {
      throw new IllegalArgumentException("checkpoint target " + to + " is a file-system root");
    }
    Path root = dir.root();
    if (to.startsWith(root)) {
      throw new IllegalArgumentException(
          "checkpoint target "
              + to
              + (to.equals(root)
                  ? " is the data directory"
                  : " is inside the data directory " + root)
              + "; choose a directory outside it");
    }
    if (root.startsWith(to)) {
      throw new IllegalArgumentException(
          "checkpoint target " + to + " contains the data directory " + root);
    }
    if (fs.exists(to)) {
      List<Path> inside;
      try {
        inside = fs.list(to);
      } catch (NotDirectoryException e) {
        throw new IllegalArgumentException(
            "checkpoint target " + to + " exists and is a file; it must not exist or be empty");
      } catch (IOException e) {
        throw new KiwiIOException("list checkpoint target " + to, e);
      }
      if (!inside.isEmpty()) {
        throw new IllegalArgumentException(
            "checkpoint target "
                + to
                + " is not empty ("
                + inside.size()
                + " entries, e.g. "
                + inside.get(0).getFileName()
                + "); it must not exist or be an empty directory");
      }
    }
    return to;
  }

  private void prepareStaging(Path to, Path staging) throws IOException {
    if (fs.exists(staging)) {
      removeTree(staging); // a killed checkpoint's leftover, or the previous attempt's
    }
    fs.createDirectories(to.getParent());
    fs.createDirectories(staging.resolve("sst"));
    fs.createDirectories(staging.resolve("wal"));
  }

  /** What one successful attempt made. */
  private static final class Attempt {
    long sequence;
    int linked;
    int copied;
    int segments;
    long bytes;
    String linkFailure;
  }

  /** A listed segment vanished before it was copied; the cause is the file-system error. */
  private static final class SegmentVanished extends Exception {
    private static final long serialVersionUID = 1L;

    private final NoSuchFileException missing;

    SegmentVanished(NoSuchFileException cause) {
      super(cause);
      this.missing = cause;
    }
  }

  private Attempt attempt(Path staging) throws IOException, SegmentVanished {
    Attempt a = new Attempt();
    long cut = cut();
    List<Path> segments = closedSegments(cut);
    try (TableCheckpoint pin = tables.pinForCheckpoint()) {
      for (TableMeta t : pin.tables()) {
        Path source = tables.tablePath(t.fileNumber());
        Path copy = staging.resolve("sst").resolve(source.getFileName().toString());
        String failure = linkOrCopy(source, copy, a);
        if (failure != null && a.linkFailure == null) {
          a.linkFailure = failure;
        }
      }
      for (Path segment : segments) {
        try {
          a.bytes +=
              copy(segment, staging.resolve("wal").resolve(segment.getFileName().toString()));
        } catch (NoSuchFileException e) {
          throw new SegmentVanished(e);
        }
        a.segments++;
      }
      pin.writeManifest(staging);
      Path configFile = config.file();
      if (fs.exists(configFile)) {
        a.bytes += copy(configFile, staging.resolve("config.json"));
      }
      try (WritableFile lock = fs.create(staging.resolve(DataDirectory.LOCK))) {
        lock.sync();
      }
      fs.syncDirectory(staging.resolve("sst"));
      fs.syncDirectory(staging.resolve("wal"));
      fs.syncDirectory(staging);
      WalReplay.Result replay =
          WalReplay.replay(
              fs,
              staging.resolve("wal"),
              StorageOpener.recoveryMode(config.effective()),
              (firstSeq, batch) -> {});
      a.sequence = Math.max(pin.lastSequence(), replay.lastSequence());
    }
    return a;
  }

  /**
   * Fixes the checkpoint's end: rolls the log (read-write) so every record so far is in a closed
   * segment. Returns the highest segment number the checkpoint copies.
   */
  private long cut() {
    if (access.isReadOnly()) {
      return Long.MAX_VALUE; // nothing is appended: every segment is closed
    }
    long next;
    try {
      next = wal.roll();
    } catch (RuntimeException e) {
      errors.set("write-ahead log", e);
      throw e;
    }
    return next - 1;
  }

  /** The log's segment files numbered at most {@code cut}, oldest first. */
  private List<Path> closedSegments(long cut) throws IOException {
    Path walDir = dir.walDir();
    List<Path> out = new ArrayList<>();
    if (!fs.exists(walDir)) {
      return out;
    }
    for (Path p : fs.list(walDir)) {
      Matcher m = SEGMENT.matcher(p.getFileName().toString());
      if (m.matches() && Long.parseLong(m.group(1)) <= cut) {
        out.add(p);
      }
    }
    return out;
  }

  /** Links {@code source} as {@code target}, or copies it; returns why linking failed, or null. */
  private String linkOrCopy(Path source, Path target, Attempt a) throws IOException {
    String failure;
    try {
      fs.link(source, target);
      a.linked++;
      return null;
    } catch (UnsupportedOperationException e) {
      failure = "this file system has no hard links";
    } catch (NoSuchFileException e) {
      throw e; // a pinned table is never deleted: the store lost a file
    } catch (IOException e) {
      failure = "hard link " + source + " -> " + target + " failed: " + e;
    }
    a.bytes += copy(source, target);
    a.copied++;
    return failure;
  }

  /** Copies a file and syncs the copy; returns the bytes copied. */
  private long copy(Path source, Path target) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long copied = 0;
    try (ReadableFile in = fs.openRead(source);
        WritableFile out = fs.create(target)) {
      long size = in.size();
      while (copied < size) {
        buf.clear();
        int n = (int) Math.min(buf.capacity(), size - copied);
        buf.limit(n);
        in.readFully(copied, buf);
        buf.flip();
        out.append(buf);
        copied += n;
      }
      out.sync();
    }
    return copied;
  }

  private void removeTree(Path p) throws IOException {
    FileTrees.remove(fs, p);
  }

  private void removeQuietly(Path staging) {
    try {
      removeTree(staging);
    } catch (IOException | RuntimeException e) {
      log.atWarn()
          .setMessage("Checkpoint staging directory left behind")
          .addKeyValue("path", staging)
          .addKeyValue("error", e.toString())
          .log();
    }
  }
}
