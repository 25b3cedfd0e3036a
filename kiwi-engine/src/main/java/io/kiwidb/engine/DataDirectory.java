package io.kiwidb.engine;

import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

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
  private final FileLock lock;
  private boolean closed;

  private DataDirectory(FileSystem fs, Path root, FileLock lock) {
    this.fs = fs;
    this.root = root;
    this.lock = lock;
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
    try {
      fs.createDirectories(dir);
    } catch (IOException e) {
      throw new KiwiIOException("create data directory " + dir, e);
    }
    FileLock lock;
    try {
      lock = fs.lock(dir.resolve(LOCK));
    } catch (IOException e) {
      throw new KiwiException(
          "data directory "
              + dir
              + " is in use by another kiwi-db engine (in this process or another one): "
              + e.getMessage()
              + "; only one engine may open a data directory at a time",
          e);
    }
    DataDirectory d = new DataDirectory(fs, dir, lock);
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
      lock.close();
    } catch (IOException e) {
      throw new KiwiIOException("release " + lockFile(), e);
    }
  }
}
