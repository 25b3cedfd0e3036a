package io.kiwidb.sstable.manifest;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.TableCodecs;
import io.kiwidb.sstable.table.BlockCache;
import io.kiwidb.sstable.table.TableReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The set of live {@link Version}s of one store: the current one, plus every older one a reader
 * still holds. It loads the level structure at open, makes each {@link VersionEdit} durable in the
 * manifest before installing it, hands out pinned versions to readers, and deletes a table file
 * once the last version that references it is released.
 *
 * <h2>Open</h2>
 *
 * {@code CURRENT} names the live manifest; its edits are replayed into the current version. Then a
 * new manifest is started with a single snapshot edit of that state, synced, and {@code CURRENT} is
 * switched to it (write {@code CURRENT.tmp}, sync, rename, sync the directory) before the old
 * manifest is deleted. So manifests stay small, and a crash at any point of an open leaves {@code
 * CURRENT} naming a complete manifest. Finally, table files in {@code sst/} that no version
 * references (outputs of a flush or compaction that crashed before its edit was logged, or obsolete
 * files whose deletion was lost) are deleted. A fresh or empty directory becomes an empty store.
 *
 * <h2>Logging an edit</h2>
 *
 * {@link #logAndApply} builds the next version (rejecting an edit that deletes a missing file or
 * makes a deeper level overlap, with nothing written), appends the edit to the manifest and syncs
 * it, and only then installs the new version. When the manifest has grown past {@link
 * VersionSetOptions#manifestRollBytes()}, the edit goes instead into a new manifest as part of its
 * snapshot, made live by the same {@code CURRENT} switch as at open. If a write or sync fails the
 * in-memory state is unchanged, and the edit's fate on disk is unknown (it may or may not be in the
 * manifest); the set refuses every later edit with the original failure as cause, because after a
 * failed fsync nothing written since is trustworthy. Reopening the store recovers either the state
 * before or the state after that edit, never a mix.
 *
 * <h2>Reference counting</h2>
 *
 * A reader {@link #acquire()}s the current version and closes the {@link VersionRef} when done.
 * Each version counts its references (the set holds one on the current version); each file counts
 * the live versions (count above zero) that contain it. When a version's count drops to zero, the
 * count of each of its files drops by one, and the files that reach zero are obsolete: the {@link
 * ObsoleteTableListener} hears of each, then the file is deleted. Counting per version and then per
 * file keeps release cheap (no scan of other versions) and makes a trivial move (a file deleted
 * from one level and added to the next) free: the new version already holds the file when the old
 * one is released.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>The installed version equals the replay of the manifest that {@code CURRENT} names: a
 *       version is installed only after its edit is durable.
 *   <li>A table file is deleted only when no live version contains it, and a file in a live version
 *       always exists on disk (it was synced before the edit that added it was logged).
 *   <li>File numbers come from one counter shared by manifests and tables and are never reused: the
 *       counter resumes above every number in the manifest and every table file on disk.
 *   <li>The orphan sweep deletes only table files numbered below the counter's value at open
 *       ({@code orphanBound}). Every number handed out since is at or above it, so a table being
 *       written right now is never mistaken for an orphan.
 *   <li>Once an edit failed, {@code failure} is set for good and no further manifest write happens.
 * </ul>
 *
 * <p>Thread safety: safe for concurrent use. Edits, rolls and close are serialised by {@code
 * applyLock}, which is held across the manifest I/O. The current version, reference counts, file
 * counts and the closed flag are guarded by this object's monitor, held only for short in-memory
 * updates, so {@link #acquire()} never waits for an fsync. Lock order: {@code applyLock}, then the
 * monitor. Files are deleted outside both locks, on the releasing thread or the configured
 * executor. {@link #newFileNumber()} is lock-free.
 */
public final class VersionSet implements AutoCloseable {
  /** The key order this build sorts by, recorded in every manifest and checked at open. */
  public static final String KEY_ORDER_NAME = "kiwidb.unsigned-bytes";

  private final FileSystem fs;
  private final Path root;
  private final Path tableDir;
  private final VersionSetOptions options;
  private final AtomicLong nextFileNumber;
  private final long orphanBound;

  /** Opened by {@link #openReadOnly}: no manifest writer, nothing is ever written or deleted. */
  private final boolean readOnly;

  /** The manifest replayed at open (the live one, when {@link #readOnly}). */
  private final long manifestNumberAtOpen;

  private final ReentrantLock applyLock = new ReentrantLock();

  @GuardedBy("applyLock")
  private ManifestWriter manifest;

  @GuardedBy("applyLock")
  private IOException failure;

  // Written under applyLock (and the monitor, for current); readable without it.
  private volatile long lastSequence;
  private volatile long logNumber;

  @GuardedBy("this")
  private Version current;

  // current's L0 file count, published with it: the write stall reads it on every write, which
  // must not take the monitor that readers pinning versions contend on.
  private volatile int l0Files;

  @GuardedBy("this")
  private final Map<Long, Integer> liveVersionsPerFile = new HashMap<>();

  @GuardedBy("this")
  private boolean closed;

  private volatile Set<Long> orphansDeletedAtOpen = Set.of();
  private volatile Map<Long, Long> orphansAboveLastSequence = Map.of();

  private VersionSet(
      FileSystem fs,
      Path root,
      VersionSetOptions options,
      Recovered state,
      ManifestWriter manifest,
      long nextFileNumber,
      boolean readOnly) {
    this.fs = fs;
    this.readOnly = readOnly;
    this.manifestNumberAtOpen = state.manifestNumber;
    this.root = root;
    this.tableDir = root.resolve(FileNames.TABLE_DIR);
    this.options = options;
    this.manifest = manifest;
    this.nextFileNumber = new AtomicLong(nextFileNumber);
    this.orphanBound = nextFileNumber;
    this.lastSequence = state.lastSequence;
    this.logNumber = state.logNumber;
    synchronized (this) {
      this.current = state.version;
      this.l0Files = state.version.l0Count();
      ref(state.version);
    }
  }

  /**
   * Opens the level structure under {@code dataRoot}, creating an empty store if the directory is
   * new or empty.
   *
   * @throws CorruptionException naming the file (and offset) if {@code CURRENT} is missing while
   *     the directory holds a store, names a missing manifest, or {@code CURRENT} or the manifest
   *     is damaged; nothing is changed on disk in that case
   * @throws KiwiIOException if an I/O operation fails
   */
  public static VersionSet open(FileSystem fs, Path dataRoot, VersionSetOptions options) {
    Path tableDir = dataRoot.resolve(FileNames.TABLE_DIR);
    try {
      fs.createDirectories(dataRoot);
      fs.createDirectories(tableDir);
    } catch (IOException e) {
      throw new KiwiIOException("create " + tableDir, e);
    }
    Recovered state = recover(fs, dataRoot, options);

    // Resume numbering above everything that exists, so no number is ever reused.
    long next = Math.max(state.nextFileNumber, state.manifestNumber + 1);
    for (Path p : list(fs, tableDir)) {
      next = Math.max(next, FileNames.parseTableFileName(p.getFileName().toString()) + 1);
    }
    long manifestNumber = next++;
    ManifestWriter writer = null;
    try {
      writer = ManifestWriter.create(fs, dataRoot, manifestNumber);
      writer.append(snapshot(state.version, state.lastSequence, state.logNumber, next).encode());
      writer.sync();
      fs.syncDirectory(dataRoot); // the new manifest's name must be durable before CURRENT names it
      CurrentFile.write(fs, dataRoot, manifestNumber);
    } catch (IOException e) {
      if (writer != null) {
        ManifestWriter.closeQuietly(writer, e);
      }
      throw new KiwiIOException("start " + FileNames.manifestFileName(manifestNumber), e);
    }
    VersionSet set = new VersionSet(fs, dataRoot, options, state, writer, next, false);
    try {
      // The old manifest (and leftovers of crashed opens or rolls) are now unreferenced.
      for (Path p : list(fs, dataRoot)) {
        long n = FileNames.parseManifestFileName(p.getFileName().toString());
        if (n >= 0 && n != manifestNumber) {
          deleteQuietly(fs, p);
        }
      }
      set.orphansAboveLastSequence = Collections.unmodifiableMap(set.findOrphansAbove());
      set.orphansDeletedAtOpen =
          Collections.unmodifiableSet(set.deleteOrphanTables(set.orphansAboveLastSequence));
    } catch (RuntimeException e) {
      try {
        set.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return set;
  }

  /**
   * Opens the level structure under {@code dataRoot} for reading only: the manifest {@code CURRENT}
   * names is replayed, and nothing is created, written or deleted, then or later (no new manifest,
   * no orphan sweep, no deletion of obsolete files). {@link #logAndApply} is refused.
   *
   * @throws CorruptionException if {@code CURRENT} is missing (the directory holds no store), names
   *     a missing manifest, or either is damaged
   * @throws KiwiIOException if a file cannot be read
   */
  public static VersionSet openReadOnly(FileSystem fs, Path dataRoot, VersionSetOptions options) {
    long number;
    try {
      number = CurrentFile.read(fs, dataRoot);
    } catch (IOException e) {
      throw new KiwiIOException("read " + dataRoot.resolve(FileNames.CURRENT), e);
    }
    if (number < 0) {
      throw new CorruptionException(
          dataRoot.resolve(FileNames.CURRENT).toString(),
          CorruptionException.UNKNOWN_OFFSET,
          "is missing: " + dataRoot + " holds no kiwi-db store to open read-only");
    }
    Recovered state = recover(fs, dataRoot, options);
    long next = Math.max(state.nextFileNumber, state.manifestNumber + 1);
    return new VersionSet(fs, dataRoot, options, state, null, next, true);
  }

  /** Whether this set was opened with {@link #openReadOnly}. */
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * The current version pinned together with the manifest state it was installed with (its last
   * sequence, log number and the next file number), read under the edit lock so no edit falls
   * between them: what a checkpoint's manifest must record. Waits for an edit being logged.
   *
   * @throws IllegalStateException if the set is closed
   */
  public Checkpointed pinForCheckpoint() {
    applyLock.lock();
    try {
      VersionRef ref = acquire();
      return new Checkpointed(ref, lastSequence, logNumber, nextFileNumber.get());
    } finally {
      applyLock.unlock();
    }
  }

  /**
   * A version pinned by {@link #pinForCheckpoint()} and the manifest state that goes with it.
   *
   * @param ref the pin; close it when the checkpoint is done
   * @param lastSequence every write up to this sequence number is in the version's tables
   * @param logNumber the WAL log number recorded with it
   * @param nextFileNumber above every file number the version holds
   */
  public record Checkpointed(VersionRef ref, long lastSequence, long logNumber, long nextFileNumber)
      implements AutoCloseable {
    @Override
    public void close() {
      ref.close();
    }
  }

  /**
   * Writes, in {@code targetRoot}, a new store's manifest describing exactly {@code pinned} (one
   * snapshot record, synced) and then its {@code CURRENT} (written atomically and synced with its
   * directory). The table files themselves are the caller's to place in {@code targetRoot/sst/}.
   *
   * @return the manifest's file name
   * @throws IOException if a file cannot be written or synced
   */
  public static String writeCheckpointManifest(FileSystem fs, Path targetRoot, Checkpointed pinned)
      throws IOException {
    long manifestNumber = pinned.nextFileNumber();
    ManifestWriter writer = ManifestWriter.create(fs, targetRoot, manifestNumber);
    try {
      writer.append(
          snapshot(
                  pinned.ref().version(),
                  pinned.lastSequence(),
                  pinned.logNumber(),
                  manifestNumber + 1)
              .encode());
      writer.sync();
    } catch (IOException | RuntimeException e) {
      ManifestWriter.closeQuietly(writer, e);
      throw e;
    }
    writer.close();
    fs.syncDirectory(targetRoot);
    CurrentFile.write(fs, targetRoot, manifestNumber);
    return FileNames.manifestFileName(manifestNumber);
  }

  /** The state a manifest describes. */
  private record Recovered(
      Version version,
      long nextFileNumber,
      long lastSequence,
      long logNumber,
      long manifestNumber) {}

  private static Recovered recover(FileSystem fs, Path root, VersionSetOptions options) {
    long number;
    try {
      number = CurrentFile.read(fs, root);
    } catch (IOException e) {
      throw new KiwiIOException("read " + root.resolve(FileNames.CURRENT), e);
    }
    if (number < 0) {
      checkNothingToLose(fs, root);
      return new Recovered(Version.empty(options.levelCount()), 1, 0, 0, 0);
    }
    String name = FileNames.manifestFileName(number);
    Path path = root.resolve(name);
    if (!fs.exists(path)) {
      throw new CorruptionException(
          FileNames.CURRENT,
          CorruptionException.UNKNOWN_OFFSET,
          "names " + name + ", which does not exist");
    }
    Recovered r = replay(name, ManifestReader.read(fs, path, number), options.levelCount());
    return new Recovered(r.version, r.nextFileNumber, r.lastSequence, r.logNumber, number);
  }

  /** Replays a manifest's records; every problem is a {@link CorruptionException} naming it. */
  private static Recovered replay(String name, ManifestReader.Contents contents, int levelCount) {
    if (contents.records().isEmpty()) {
      throw new CorruptionException(
          name, ManifestFormat.HEADER_SIZE, "holds no complete record (its snapshot is missing)");
    }
    VersionBuilder builder = new VersionBuilder(Version.empty(levelCount));
    String keyOrder = null;
    long next = -1;
    long last = 0;
    long log = 0;
    long lastOffset = ManifestFormat.HEADER_SIZE;
    for (ManifestReader.EditRecord r : contents.records()) {
      lastOffset = r.offset();
      try {
        VersionEdit e = VersionEdit.decode(r.payload(), 0, r.payload().length);
        builder.apply(e);
        if (e.keyOrderName().isPresent()) {
          keyOrder = e.keyOrderName().get();
        }
        next = Math.max(next, e.nextFileNumber().orElse(-1));
        last = Math.max(last, e.lastSequence().orElse(0));
        log = Math.max(log, e.logNumber().orElse(0));
      } catch (IllegalArgumentException ex) {
        throw new CorruptionException(name, r.offset(), ex.getMessage(), ex);
      }
    }
    if (keyOrder == null || !keyOrder.equals(KEY_ORDER_NAME)) {
      throw new CorruptionException(
          name,
          ManifestFormat.HEADER_SIZE,
          keyOrder == null
              ? "records no key order name"
              : "was written with key order '"
                  + keyOrder
                  + "', but this build sorts keys by '"
                  + KEY_ORDER_NAME
                  + "'");
    }
    if (next < 0) {
      throw new CorruptionException(
          name, ManifestFormat.HEADER_SIZE, "records no next file number");
    }
    Version version;
    try {
      version = builder.build();
    } catch (IllegalArgumentException ex) {
      throw new CorruptionException(name, lastOffset, ex.getMessage(), ex);
    }
    for (long n : version.fileNumbers()) {
      if (n >= next) {
        throw new CorruptionException(
            name,
            lastOffset,
            "holds table " + n + ", which is not below the next file number " + next);
      }
    }
    return new Recovered(version, next, last, log, -1);
  }

  /**
   * Without {@code CURRENT} the directory is a new store only if nothing in it could hold data: no
   * table file, and no manifest other than the first one left by a crash during the very first open
   * (too short to have a header, or describing the empty state). Anything else means the pointer
   * was lost, and starting afresh would silently drop the store.
   */
  private static void checkNothingToLose(FileSystem fs, Path root) {
    List<String> found = new ArrayList<>();
    for (Path p : list(fs, root.resolve(FileNames.TABLE_DIR))) {
      if (FileNames.parseTableFileName(p.getFileName().toString()) >= 0) {
        found.add(FileNames.TABLE_DIR + "/" + p.getFileName());
      }
    }
    for (Path p : list(fs, root)) {
      String name = p.getFileName().toString();
      long n = FileNames.parseManifestFileName(name);
      if (n >= 0 && !(n == 1 && isEmptyFirstManifest(fs, p))) {
        found.add(name);
      }
    }
    if (!found.isEmpty()) {
      throw new CorruptionException(
          FileNames.CURRENT,
          CorruptionException.UNKNOWN_OFFSET,
          "is missing, but the directory holds a store ("
              + String.join(", ", found.subList(0, Math.min(5, found.size())))
              + (found.size() > 5 ? ", ..." : "")
              + "); refusing to start an empty one over it");
    }
  }

  private static boolean isEmptyFirstManifest(FileSystem fs, Path p) {
    byte[] data;
    try (ReadableFile in = fs.openRead(p)) {
      long size = in.size();
      if (size > 1 << 20) {
        return false;
      }
      data = in.read(0, (int) size);
    } catch (IOException e) {
      throw new KiwiIOException("read " + p, e);
    }
    if (data.length < ManifestFormat.HEADER_SIZE) {
      return true;
    }
    try {
      ManifestReader.Contents c = ManifestReader.parse(p.getFileName().toString(), data, 1);
      if (c.records().isEmpty()) {
        return true;
      }
      Recovered r = replay(p.getFileName().toString(), c, 2);
      return r.version.fileCount() == 0 && r.lastSequence == 0 && r.logNumber == 0;
    } catch (CorruptionException e) {
      return false;
    }
  }

  /** An edit that recreates the whole state from nothing: the first record of every manifest. */
  static VersionEdit snapshot(Version v, long lastSequence, long logNumber, long nextFileNumber) {
    VersionEdit e =
        new VersionEdit()
            .setKeyOrderName(KEY_ORDER_NAME)
            .setLogNumber(logNumber)
            .setNextFileNumber(nextFileNumber)
            .setLastSequence(lastSequence);
    for (int level = 0; level < v.levelCount(); level++) {
      for (TableMeta t : v.level(level)) {
        e.addFile(t);
      }
    }
    return e;
  }

  /**
   * Makes {@code edit} durable in the manifest, then installs the version it produces as current.
   * The caller's edit is not modified; what is logged is a copy stamped with the next file number.
   * The last sequence and log number only move forward: a smaller value in the edit is recorded but
   * leaves the current one in place. Edits are serialised; concurrent callers wait their turn.
   *
   * <p>Every table the edit adds must already be synced (and its directory entry synced) under
   * {@link #tablePath}, and must have been numbered by {@link #newFileNumber()}.
   *
   * @throws IllegalArgumentException if the edit cannot apply (it deletes a file the level does not
   *     hold, adds a file already present or never numbered, or makes a deeper level overlap);
   *     nothing is written and the set stays usable
   * @throws KiwiIOException if the manifest write or sync failed, or failed earlier; the in-memory
   *     state is unchanged, but the edit may still be on disk, so the caller must not delete the
   *     files it added: reopen the store, whose orphan sweep cleans up either way
   * @throws IllegalStateException if the set is closed
   */
  public void logAndApply(VersionEdit edit) {
    List<TableMeta> obsolete;
    applyLock.lock();
    try {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("version set is closed");
        }
      }
      if (readOnly) {
        throw new IllegalStateException("version set of " + root + " is open read-only");
      }
      if (failure != null) {
        throw new KiwiIOException(
            "log edit: the manifest failed earlier, reopen the store to recover", failure);
      }
      long next = nextFileNumber.get();
      for (TableMeta t : edit.addedFiles()) {
        if (t.fileNumber() >= next) {
          throw new IllegalArgumentException(
              "edit adds file "
                  + t.fileNumber()
                  + ", but only numbers below "
                  + next
                  + " have been handed out by newFileNumber()");
        }
      }
      Version base;
      synchronized (this) {
        base = current;
      }
      Version version = new VersionBuilder(base).apply(edit).build();
      VersionEdit logged = new VersionEdit(edit).setNextFileNumber(next);
      long newLast = Math.max(lastSequence, edit.lastSequence().orElse(0));
      long newLog = Math.max(logNumber, edit.logNumber().orElse(0));
      byte[] record = logged.encode();
      try {
        if (manifest.size() >= options.manifestRollBytes()) {
          roll(version, newLast, newLog);
        } else {
          manifest.append(record);
          manifest.sync();
        }
      } catch (IOException e) {
        failure = e;
        throw new KiwiIOException("log edit to " + FileNames.manifestFileName(manifestNumber()), e);
      }
      lastSequence = newLast;
      logNumber = newLog;
      obsolete = install(version);
    } finally {
      applyLock.unlock();
    }
    // Outside the apply lock: deleting files must not hold up the next edit.
    deleteObsolete(obsolete);
  }

  /** Starts a new manifest whose snapshot already includes the edit being logged. */
  @GuardedBy("applyLock")
  private void roll(Version version, long last, long log) throws IOException {
    long number = nextFileNumber.getAndIncrement();
    ManifestWriter writer = null;
    try {
      writer = ManifestWriter.create(fs, root, number);
      writer.append(snapshot(version, last, log, nextFileNumber.get()).encode());
      writer.sync();
      fs.syncDirectory(root);
      CurrentFile.write(fs, root, number);
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        ManifestWriter.closeQuietly(writer, e);
      }
      throw e;
    }
    ManifestWriter old = manifest;
    manifest = writer;
    try {
      old.close();
    } catch (IOException e) {
      // Nothing unsynced is lost by a failed close; the file is deleted next anyway.
    }
    deleteQuietly(fs, old.path());
  }

  /** Makes {@code version} current; returns the files the old current one alone held. */
  private synchronized List<TableMeta> install(Version version) {
    ref(version);
    Version old = current;
    current = version;
    l0Files = version.l0Count();
    return unref(old);
  }

  /**
   * Pins the current version: its files stay on disk until the returned reference is closed.
   *
   * @throws IllegalStateException if the set is closed
   */
  public VersionRef acquire() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("version set is closed");
      }
      current.refs++;
      return new VersionRef(this, current);
    }
  }

  void release(Version version) {
    List<TableMeta> obsolete;
    synchronized (this) {
      obsolete = unref(version);
    }
    deleteObsolete(obsolete);
  }

  /**
   * The current version, unpinned: for metadata (level sizes, {@link Version#l0Count()}, picking
   * compactions) only. To read table files, {@link #acquire()} it, or they may be deleted
   * meanwhile.
   */
  public synchronized Version current() {
    return current;
  }

  /** The number of L0 files in the current version, without locking. */
  public int l0Count() {
    return l0Files;
  }

  /** Adds one reference. */
  @GuardedBy("this")
  private void ref(Version v) {
    if (v.refs++ == 0) {
      for (long n : v.fileNumbers()) {
        liveVersionsPerFile.merge(n, 1, Integer::sum);
      }
    }
  }

  /** Drops one reference; returns the files that became obsolete. */
  @GuardedBy("this")
  private List<TableMeta> unref(Version v) {
    if (v.refs <= 0) {
      throw new IllegalStateException("version released more often than acquired");
    }
    if (--v.refs > 0) {
      return List.of();
    }
    List<TableMeta> obsolete = new ArrayList<>();
    for (long n : v.fileNumbers()) {
      int left = liveVersionsPerFile.merge(n, -1, Integer::sum);
      if (left == 0) {
        liveVersionsPerFile.remove(n);
        obsolete.add(v.file(n).orElseThrow());
      }
    }
    // After close the files are left for the next open's orphan sweep: a reader that outlives the
    // store must not delete files under a store that may already be reopened.
    return closed ? List.of() : obsolete;
  }

  private void deleteObsolete(List<TableMeta> obsolete) {
    if (obsolete.isEmpty() || readOnly) {
      return;
    }
    try {
      options
          .deletionExecutor()
          .execute(
              () -> {
                for (TableMeta t : obsolete) {
                  Path file = tablePath(t.fileNumber());
                  options.listener().tableObsolete(t.fileNumber(), file);
                  try {
                    fs.deleteIfExists(file);
                  } catch (IOException e) {
                    options.listener().deleteFailed(t.fileNumber(), file, e);
                  }
                }
              });
    } catch (RejectedExecutionException e) {
      // The executor is shutting down: the files stay, and the next open deletes them as orphans.
    }
  }

  /**
   * Deletes table files in {@code sst/} that no live version references and whose number is below
   * {@code orphanBound} (the next file number at open), so files numbered since open, which may be
   * being written right now, are never touched. Open calls it; calling it later is safe.
   *
   * @return the numbers of the files deleted
   */
  public Set<Long> deleteOrphanTables() {
    return deleteOrphanTables(Map.of());
  }

  private Set<Long> deleteOrphanTables(Map<Long, Long> keep) {
    Set<Long> deleted = new TreeSet<>();
    if (readOnly) {
      return deleted;
    }
    for (Path p : list(fs, tableDir)) {
      long n = FileNames.parseTableFileName(p.getFileName().toString());
      if (n < 0 || n >= orphanBound || keep.containsKey(n)) {
        continue;
      }
      synchronized (this) {
        if (liveVersionsPerFile.containsKey(n)) {
          continue;
        }
      }
      try {
        if (fs.deleteIfExists(p)) {
          deleted.add(n);
        }
      } catch (IOException e) {
        options.listener().deleteFailed(n, p, e);
      }
    }
    return deleted;
  }

  /**
   * The orphan tables that open kept because they hold sequence numbers above {@link
   * #lastSequence()}, by file number, with their largest sequence number.
   *
   * <p>Such a table is either the output of a flush whose edit never became durable (a crash
   * between writing the table and logging it; its writes are then still in the WAL, whose segments
   * go only after the edit is durable) or a table whose edit the manifest lost (cut short, which
   * its framing cannot tell from a crash during an append). Only the caller, which replays the WAL,
   * can tell them apart: if the WAL reaches the table's largest sequence number, the table is a
   * leftover and {@link #deleteOrphanTables()} may delete it; if not, the manifest lost
   * acknowledged data and the store must not open. Open keeps them so that evidence survives a
   * failed open.
   */
  public Map<Long, Long> orphansAboveLastSequence() {
    return orphansAboveLastSequence;
  }

  /** Unreferenced tables below the orphan bound whose largest sequence is above lastSequence. */
  private Map<Long, Long> findOrphansAbove() {
    Map<Long, Long> found = new TreeMap<>();
    for (Path p : list(fs, tableDir)) {
      long n = FileNames.parseTableFileName(p.getFileName().toString());
      synchronized (this) {
        if (n < 0 || n >= orphanBound || liveVersionsPerFile.containsKey(n)) {
          continue;
        }
      }
      try (TableReader r =
          TableReader.open(
              fs, p, n, new BlockCache(0, 0, 0), TableCodecs.installed().withoutFilters())) {
        long maxSeq = r.properties().maxSeq();
        if (maxSeq > lastSequence) {
          found.put(n, maxSeq);
        }
      } catch (RuntimeException unreadable) {
        // A table cut short by a crash while it was written: synced tables come before their
        // edit, so no edit can name it, and nothing is lost by deleting it.
      }
    }
    return found;
  }

  /** The orphan table files open deleted (see {@link #deleteOrphanTables()}), for the log. */
  public Set<Long> orphansDeletedAtOpen() {
    return orphansDeletedAtOpen;
  }

  /** A new, never used file number for a table (or a manifest). */
  public long newFileNumber() {
    return nextFileNumber.getAndIncrement();
  }

  /** The next file number {@link #newFileNumber()} will hand out. */
  public long nextFileNumber() {
    return nextFileNumber.get();
  }

  /** The largest sequence number recorded by an edit (0 for a new store). */
  public long lastSequence() {
    return lastSequence;
  }

  /** The WAL log number: segments numbered below it are obsolete (0 for a new store). */
  public long logNumber() {
    return logNumber;
  }

  /** The number of the live manifest. */
  public long manifestNumber() {
    applyLock.lock();
    try {
      return manifest == null ? manifestNumberAtOpen : manifest.number();
    } finally {
      applyLock.unlock();
    }
  }

  /** The path of table file {@code fileNumber}. */
  public Path tablePath(long fileNumber) {
    return FileNames.tableFile(root, fileNumber);
  }

  /** The data root. */
  public Path dataRoot() {
    return root;
  }

  /** The numbers of every file some live version (current or pinned) contains. */
  public synchronized Set<Long> liveFileNumbers() {
    return Set.copyOf(liveVersionsPerFile.keySet());
  }

  /**
   * Closes the manifest. Idempotent. Every edit was synced when it was logged, so nothing is
   * written here. Versions still pinned stay readable, but releasing them deletes nothing any more.
   */
  @Override
  public void close() {
    applyLock.lock();
    try {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      try {
        if (manifest != null) {
          manifest.close();
        }
      } catch (IOException e) {
        throw new KiwiIOException("close " + manifest.path(), e);
      }
    } finally {
      applyLock.unlock();
    }
  }

  private static List<Path> list(FileSystem fs, Path dir) {
    try {
      return fs.list(dir);
    } catch (IOException e) {
      throw new KiwiIOException("list " + dir, e);
    }
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.deleteIfExists(p);
    } catch (IOException e) {
      // Harmless: the next open deletes every manifest CURRENT does not name.
    }
  }

  @Override
  public String toString() {
    return "VersionSet[" + root + ", next file " + nextFileNumber.get() + "]\n" + current();
  }
}
