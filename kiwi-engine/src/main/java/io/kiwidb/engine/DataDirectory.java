package io.kiwidb.engine;

import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An engine's data directory, opened and locked: {@code <data_root>} with its {@code wal/}, {@code
 * sst/} and {@code logs/} subdirectories, and {@code LOCK} held for as long as this object is open.
 *
 * <p>The lock is taken before anything else is touched (even before logging starts, since the log
 * file lives here), so a second engine on the same directory, in this JVM or another process, fails
 * at once with an error naming the directory instead of corrupting the first one's files.
 *
 * <p>Thread safety: immutable apart from {@link #close()}, which is idempotent and synchronised.
 */
final class DataDirectory implements AutoCloseable {
  /** The lock file's name. */
  public static final String LOCK = "LOCK";

  private final FileSystem fs;
  private final Path root;
  private final FileLock lock; // null for a read-only open of a directory without LOCK
  private final boolean readOnly;
  private boolean closed;

  private DataDirectory(FileSystem fs, Path root, FileLock lock, boolean readOnly) {
    this.fs = fs;
    this.root = root;
    this.lock = lock;
    this.readOnly = readOnly;
  }

  /**
   * Creates {@code root} and its subdirectories if needed, then locks it.
   *
   * @throws KiwiException if another engine holds the directory; the message names it
   * @throws KiwiIOException if a directory cannot be created or the lock file cannot be opened
   */
  public static DataDirectory open(FileSystem fs, Path root) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(root, "root");
    Path dir = root.toAbsolutePath().normalize();
    if (fs.exists(dir)) {
      checkWritable(fs, dir);
    }
    try {
      fs.createDirectories(dir);
    } catch (IOException e) {
      throw accessOrIo(fs, dir, "create data directory " + dir, e);
    }
    FileLock lock;
    try {
      lock = fs.lock(dir.resolve(LOCK));
    } catch (AccessDeniedException e) {
      throw notWritable(fs, dir, e);
    } catch (FileSystemException e) {
      // Locked files fail with a plain IOException; a FileSystemException names an OS error.
      throw accessOrIo(fs, dir, "open " + dir.resolve(LOCK), e);
    } catch (IOException e) {
      throw new KiwiException(
          "data directory "
              + dir
              + " is in use by another kiwi-db engine (in this process or another one): "
              + e.getMessage()
              + "; only one engine may open a data directory at a time",
          e);
    }
    DataDirectory d = new DataDirectory(fs, dir, lock, false);
    try {
      for (Path sub : new Path[] {d.walDir(), d.sstDir(), d.logsDir()}) {
        fs.createDirectories(sub);
      }
      // New subdirectory entries must survive a crash before files are created inside them.
      fs.syncDirectory(dir);
    } catch (IOException e) {
      d.close();
      throw new KiwiIOException("create subdirectories of " + dir, e);
    }
    return d;
  }

  /**
   * Opens an existing store's directory for reading only: nothing is created; {@code LOCK}, when
   * present, is locked shared (read-only engines share it, a writing engine excludes them); a
   * directory without {@code LOCK} is opened unlocked.
   *
   * @throws KiwiException if the directory does not exist, holds no store ({@code CURRENT}), a
   *     writing engine holds it, or it cannot be read (the message names the missing permission)
   */
  public static DataDirectory openReadOnly(FileSystem fs, Path root) {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(root, "root");
    Path dir = root.toAbsolutePath().normalize();
    if (!fs.exists(dir)) {
      throw new KiwiException(
          "cannot open " + dir + " read-only: the data directory does not exist");
    }
    Optional<String> unreadable = fs.accessProblem(dir, AccessMode.READ, AccessMode.EXECUTE);
    if (unreadable.isPresent()) {
      throw new KiwiException("cannot open " + dir + " read-only: " + unreadable.get());
    }
    if (!fs.exists(dir.resolve("CURRENT"))) {
      throw new KiwiException(
          "cannot open "
              + dir
              + " read-only: it holds no kiwi-db store (no CURRENT file); a read-only open never"
              + " creates one");
    }
    Path lockFile = dir.resolve(LOCK);
    FileLock lock = null;
    if (fs.exists(lockFile)) {
      try {
        lock = fs.lockShared(lockFile);
      } catch (FileSystemException e) {
        Optional<String> problem = fs.accessProblem(lockFile, AccessMode.READ);
        throw new KiwiException(
            "cannot open "
                + dir
                + " read-only: cannot read "
                + lockFile
                + ": "
                + problem.orElse(String.valueOf(e.getMessage())),
            e);
      } catch (IOException e) {
        throw new KiwiException(
            "data directory "
                + dir
                + " is in use by a writing kiwi-db engine (in this process or another one): "
                + e.getMessage()
                + "; a read-only open needs the writer closed first",
            e);
      }
    }
    return new DataDirectory(fs, dir, lock, true);
  }

  /**
   * Fails with a permission diagnosis when this process may not create files in {@code dir} or in
   * the subdirectories that exist, instead of letting the lock or a later write report it as
   * something else.
   */
  private static void checkWritable(FileSystem fs, Path dir) {
    for (Path p : new Path[] {dir, dir.resolve("wal"), dir.resolve("sst"), dir.resolve("logs")}) {
      if (!p.equals(dir) && !fs.exists(p)) {
        continue;
      }
      Optional<String> problem =
          fs.accessProblem(p, AccessMode.READ, AccessMode.WRITE, AccessMode.EXECUTE);
      if (problem.isPresent()) {
        throw notWritable(dir, problem.get(), null);
      }
    }
  }

  private static KiwiException notWritable(FileSystem fs, Path dir, IOException cause) {
    String problem =
        fs.accessProblem(dir, AccessMode.WRITE).orElse("permission denied: " + cause.getMessage());
    return notWritable(dir, problem, cause);
  }

  private static KiwiException notWritable(Path dir, String problem, IOException cause) {
    return new KiwiException(
        "data directory "
            + dir
            + " is not writable ("
            + problem
            + "); open it read-only (KiwiDb.openReadOnly, or kiwi --read-only) or fix the"
            + " permissions",
        cause);
  }

  private static KiwiException accessOrIo(FileSystem fs, Path dir, String what, IOException e) {
    if (e instanceof AccessDeniedException
        || String.valueOf(e.getMessage()).contains("Read-only file system")) {
      return notWritable(fs, dir, e);
    }
    return new KiwiIOException(what, e);
  }

  /** Whether this directory was opened with {@link #openReadOnly}. */
  public boolean isReadOnly() {
    return readOnly;
  }

  /** The file system everything under this directory is accessed through. */
  public FileSystem fileSystem() {
    return fs;
  }

  /** The data root, absolute and normalised. */
  public Path root() {
    return root;
  }

  /** {@code <root>/wal}: write-ahead log segments. */
  public Path walDir() {
    return root.resolve("wal");
  }

  /** {@code <root>/sst}: table files. */
  public Path sstDir() {
    return root.resolve("sst");
  }

  /** {@code <root>/logs}: the engine's own log. */
  public Path logsDir() {
    return root.resolve("logs");
  }

  /** {@code <root>/config.json}: the default config location. */
  public Path configFile() {
    return root.resolve("config.json");
  }

  /** {@code <root>/LOCK}. */
  public Path lockFile() {
    return root.resolve(LOCK);
  }

  /**
   * Releases the lock. Idempotent. The files stay; another engine may open the directory after.
   *
   * @throws KiwiIOException if releasing fails
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (lock != null) {
        lock.close();
      }
    } catch (IOException e) {
      throw new KiwiIOException("release " + lockFile(), e);
    }
  }
}
