package io.kiwidb.testkit;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link FileSystem} in memory that remembers what is durable, so tests can simulate a power loss
 * with {@link #crash()}.
 *
 * <p>The model is the POSIX one that {@link FileSystem} documents, kept deliberately strict:
 *
 * <ul>
 *   <li>Each file is an inode with its bytes and a <em>synced length</em>; {@link
 *       WritableFile#sync()} raises the synced length to the current length. A crash truncates
 *       every file to its synced length.
 *   <li>Names live in directories. Creating, renaming and deleting change the <em>live</em>
 *       directory entries at once, but they become durable only when {@link #syncDirectory} is
 *       called on the parent. A crash restores every directory to its durable entries: a file
 *       created (even with synced data) but never made durable in its directory disappears; an
 *       unsynced rename or delete is undone.
 *   <li>Directories themselves are durable as soon as they are created (a simplification: the
 *       engine creates its directories once, at open).
 *   <li>A crash also kills the "process": every handle opened before it fails afterwards, and every
 *       lock is released.
 * </ul>
 *
 * <p>Thread safety: all operations are serialised on this object, so it is safe for any number of
 * threads.
 */
public final class InMemoryFileSystem implements FileSystem {

  /** A file's bytes and how many of them are durable. */
  private static final class Inode {
    byte[] data = new byte[64];
    int length;
    int syncedLength;
  }

  /** Live state: every path (normalised, absolute) to its inode, or to {@code null} for a dir. */
  private final Map<Path, Inode> liveFiles = new HashMap<>();

  /** Durable directory entries: what a crash restores. */
  private final Map<Path, Inode> durableFiles = new HashMap<>();

  private final Set<Path> directories = new HashSet<>();
  private final Set<Path> locks = new HashSet<>();
  private final Map<Path, Integer> sharedLocks = new HashMap<>();
  private long generation;
  private long crashes;

  /** Creates an empty file system; the root {@code /} exists. */
  public InMemoryFileSystem() {
    directories.add(Path.of("/").toAbsolutePath());
  }

  private static Path norm(Path p) {
    return p.toAbsolutePath().normalize();
  }

  /**
   * Simulates a power loss: unsynced bytes and unsynced directory entries are dropped, open handles
   * become stale, locks are released.
   */
  public synchronized void crash() {
    generation++;
    crashes++;
    liveFiles.clear();
    liveFiles.putAll(durableFiles);
    for (Inode inode : new HashSet<>(durableFiles.values())) {
      inode.length = inode.syncedLength;
    }
    locks.clear();
    sharedLocks.clear();
  }

  /** How many times {@link #crash()} was called. */
  public synchronized long crashCount() {
    return crashes;
  }

  /** The bytes of a file as they are now (durable or not), for assertions. */
  public synchronized byte[] contents(Path file) throws NoSuchFileException {
    Inode inode = file(file);
    return Arrays.copyOf(inode.data, inode.length);
  }

  /**
   * Replaces a file's contents and marks them durable, for corruption tests (flip a byte, cut the
   * tail) that then reopen the store.
   */
  public synchronized void overwrite(Path file, byte[] contents) throws NoSuchFileException {
    Inode inode = file(file);
    inode.data = contents.clone();
    inode.length = contents.length;
    inode.syncedLength = contents.length;
  }

  private Inode file(Path file) throws NoSuchFileException {
    Inode inode = liveFiles.get(norm(file));
    if (inode == null) {
      throw new NoSuchFileException(file.toString());
    }
    return inode;
  }

  private void requireParent(Path p) throws IOException {
    Path parent = p.getParent();
    if (parent == null || !directories.contains(parent)) {
      throw new NoSuchFileException(String.valueOf(parent), null, "parent directory missing");
    }
  }

  private void checkGeneration(long handleGeneration, Path path) throws IOException {
    if (handleGeneration != generation) {
      throw new IOException(path + ": handle opened before a simulated crash is stale");
    }
  }

  @Override
  public synchronized WritableFile create(Path file) throws IOException {
    Path p = norm(file);
    requireParent(p);
    if (directories.contains(p)) {
      throw new FileAlreadyExistsException(file.toString(), null, "is a directory");
    }
    Inode inode = new Inode();
    liveFiles.put(p, inode);
    return new MemWritableFile(file, inode, generation);
  }

  @Override
  public synchronized ReadableFile openRead(Path file) throws IOException {
    return new MemReadableFile(file, file(file), generation);
  }

  @Override
  public synchronized long size(Path file) throws IOException {
    return file(file).length;
  }

  @Override
  public synchronized boolean exists(Path path) {
    Path p = norm(path);
    return liveFiles.containsKey(p) || directories.contains(p);
  }

  @Override
  public synchronized void rename(Path source, Path target) throws IOException {
    Path s = norm(source);
    Path t = norm(target);
    if (directories.contains(s)) {
      renameDirectory(s, t);
      return;
    }
    Inode inode = file(source);
    requireParent(t);
    liveFiles.remove(s);
    liveFiles.put(t, inode);
  }

  /**
   * Moves a directory and everything under it. The target may be an empty directory, never a file
   * or a directory that holds anything. The moved entries keep their durability (a simplification:
   * a real file system makes the move itself durable only once the parents are synced).
   */
  private void renameDirectory(Path s, Path t) throws IOException {
    if (liveFiles.containsKey(t)) {
      throw new FileAlreadyExistsException(t.toString(), null, "is a file");
    }
    if (directories.contains(t)) {
      for (Path p : directories) {
        if (t.equals(p.getParent())) {
          throw new IOException(t + ": directory not empty");
        }
      }
      for (Path p : liveFiles.keySet()) {
        if (t.equals(p.getParent())) {
          throw new IOException(t + ": directory not empty");
        }
      }
    }
    requireParent(t);
    Set<Path> dirs = new HashSet<>();
    for (Path d : directories) {
      if (d.startsWith(s)) {
        dirs.add(d);
      }
    }
    directories.removeAll(dirs);
    for (Path d : dirs) {
      directories.add(t.resolve(s.relativize(d)));
    }
    for (Map<Path, Inode> files : List.of(liveFiles, durableFiles)) {
      Map<Path, Inode> moved = new HashMap<>();
      for (Iterator<Map.Entry<Path, Inode>> it = files.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Path, Inode> e = it.next();
        if (e.getKey().startsWith(s)) {
          moved.put(t.resolve(s.relativize(e.getKey())), e.getValue());
          it.remove();
        }
      }
      files.putAll(moved);
    }
  }

  @Override
  public synchronized void delete(Path file) throws IOException {
    Path p = norm(file);
    if (liveFiles.remove(p) == null) {
      if (directories.contains(p)) {
        for (Path other : directories) {
          if (p.equals(other.getParent())) {
            throw new IOException(file + ": directory not empty");
          }
        }
        for (Path other : liveFiles.keySet()) {
          if (p.equals(other.getParent())) {
            throw new IOException(file + ": directory not empty");
          }
        }
        directories.remove(p);
        return;
      }
      throw new NoSuchFileException(file.toString());
    }
  }

  @Override
  public synchronized List<Path> list(Path dir) throws IOException {
    Path d = norm(dir);
    if (!directories.contains(d)) {
      if (liveFiles.containsKey(d)) {
        throw new NotDirectoryException(dir.toString());
      }
      throw new NoSuchFileException(dir.toString());
    }
    List<Path> out = new ArrayList<>();
    for (Path p : liveFiles.keySet()) {
      if (d.equals(p.getParent())) {
        out.add(dir.resolve(p.getFileName()));
      }
    }
    for (Path p : directories) {
      if (d.equals(p.getParent())) {
        out.add(dir.resolve(p.getFileName()));
      }
    }
    out.sort(null);
    return out;
  }

  @Override
  public synchronized void createDirectories(Path dir) throws IOException {
    Path d = norm(dir);
    for (Path p = d; p != null; p = p.getParent()) {
      if (liveFiles.containsKey(p)) {
        throw new FileAlreadyExistsException(p.toString(), null, "is a file");
      }
    }
    for (Path p = d; p != null; p = p.getParent()) {
      directories.add(p);
    }
  }

  @Override
  public synchronized void syncDirectory(Path dir) throws IOException {
    Path d = norm(dir);
    if (!directories.contains(d)) {
      throw new NoSuchFileException(dir.toString());
    }
    durableFiles.keySet().removeIf(p -> d.equals(p.getParent()));
    liveFiles.forEach(
        (p, inode) -> {
          if (d.equals(p.getParent())) {
            durableFiles.put(p, inode);
          }
        });
  }

  @Override
  public synchronized FileLock lock(Path file) throws IOException {
    Path p = norm(file);
    if (!liveFiles.containsKey(p)) {
      requireParent(p);
      liveFiles.put(p, new Inode());
    }
    if (sharedLocks.containsKey(p)) {
      throw new IOException(file + " is locked (shared) by a read-only engine");
    }
    if (!locks.add(p)) {
      throw new IOException(file + " is locked by another engine");
    }
    long gen = generation;
    return new FileLock() {
      private boolean closed;

      @Override
      public Path path() {
        return file;
      }

      @Override
      public void close() {
        synchronized (InMemoryFileSystem.this) {
          if (!closed && gen == generation) {
            locks.remove(p);
          }
          closed = true;
        }
      }
    };
  }

  /** A shared lock; unlike {@link #lock}, never creates the file. */
  @Override
  public synchronized FileLock lockShared(Path file) throws IOException {
    Path p = norm(file);
    if (liveFiles.get(p) == null) {
      throw new NoSuchFileException(file.toString());
    }
    if (locks.contains(p)) {
      throw new IOException(file + " is locked by a writing engine");
    }
    sharedLocks.merge(p, 1, Integer::sum);
    long gen = generation;
    return new FileLock() {
      private boolean closed;

      @Override
      public Path path() {
        return file;
      }

      @Override
      public void close() {
        synchronized (InMemoryFileSystem.this) {
          if (!closed && gen == generation) {
            sharedLocks.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1);
          }
          closed = true;
        }
      }
    };
  }

  /** A second name for the same inode: durable once its directory is synced, like a create. */
  @Override
  public synchronized void link(Path existing, Path link) throws IOException {
    Path from = norm(existing);
    Path to = norm(link);
    Inode inode = liveFiles.get(from);
    if (inode == null) {
      throw new NoSuchFileException(existing.toString());
    }
    if (liveFiles.containsKey(to) || directories.contains(to)) {
      throw new FileAlreadyExistsException(link.toString());
    }
    requireParent(to);
    liveFiles.put(to, inode);
  }

  private final class MemWritableFile implements WritableFile {
    private final Path path;
    private final Inode inode;
    private final long gen;
    private long size;
    private boolean closed;

    MemWritableFile(Path path, Inode inode, long gen) {
      this.path = path;
      this.inode = inode;
      this.gen = gen;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
      synchronized (InMemoryFileSystem.this) {
        checkOpen();
        int n = src.remaining();
        long needed = (long) inode.length + n;
        if (needed > Integer.MAX_VALUE - 8) {
          throw new IOException(path + ": in-memory file would exceed 2 GiB");
        }
        if (needed > inode.data.length) {
          inode.data = Arrays.copyOf(inode.data, (int) Math.min(Integer.MAX_VALUE - 8, needed * 2));
        }
        src.get(inode.data, inode.length, n);
        inode.length += n;
        size += n;
      }
    }

    @Override
    public void sync() throws IOException {
      synchronized (InMemoryFileSystem.this) {
        checkOpen();
        inode.syncedLength = inode.length;
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() {
      synchronized (InMemoryFileSystem.this) {
        closed = true;
      }
    }

    private void checkOpen() throws IOException {
      if (closed) {
        throw new IOException(path + " is closed");
      }
      checkGeneration(gen, path);
    }
  }

  private final class MemReadableFile implements ReadableFile {
    private final Path path;
    private final Inode inode;
    private final long gen;
    private boolean closed;

    MemReadableFile(Path path, Inode inode, long gen) {
      this.path = path;
      this.inode = inode;
      this.gen = gen;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      synchronized (InMemoryFileSystem.this) {
        checkOpen();
        int n = dst.remaining();
        if (position < 0 || position + n > inode.length) {
          throw new EOFException(
              path
                  + ": read of "
                  + n
                  + " bytes at "
                  + position
                  + " passes the end of the file ("
                  + inode.length
                  + " bytes)");
        }
        dst.put(inode.data, (int) position, n);
      }
    }

    @Override
    public long size() throws IOException {
      synchronized (InMemoryFileSystem.this) {
        checkOpen();
        return inode.length;
      }
    }

    @Override
    public void close() {
      synchronized (InMemoryFileSystem.this) {
        closed = true;
      }
    }

    private void checkOpen() throws IOException {
      if (closed) {
        throw new IOException(path + " is closed");
      }
      checkGeneration(gen, path);
    }
  }
}
