package io.kiwidb.fs;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link FileSystem} on the real disk through NIO {@link FileChannel}s. Syncs use {@code
 * force(false)} (fdatasync on Linux); directory syncs open the directory and force it.
 */
final class LocalFileSystem implements FileSystem {
  static final LocalFileSystem INSTANCE = new LocalFileSystem();

  /**
   * Files locked from this JVM. {@link FileChannel#tryLock()} excludes other processes only; a
   * second lock from the same JVM throws {@link OverlappingFileLockException}, which we turn into
   * the same clear error.
   */
  private final Set<Path> lockedHere = ConcurrentHashMap.newKeySet();

  /**
   * Shared locks held by this JVM, one OS lock per file however many holders: the JVM refuses a
   * second overlapping lock on a file even when both are shared, so holders are counted instead.
   */
  private final Map<Path, SharedLock> sharedHere = new HashMap<>();

  private LocalFileSystem() {}

  @Override
  public WritableFile create(Path file) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    return new LocalWritableFile(file, ch);
  }

  @Override
  public ReadableFile openRead(Path file) throws IOException {
    return new LocalReadableFile(file, FileChannel.open(file, StandardOpenOption.READ));
  }

  /**
   * Maps the whole file read-only when it fits one mapping (2 GiB) and this JDK lets the mapping be
   * released on close; otherwise reads go through the channel. See {@link MappedReadableFile} for
   * why and how the mapping is released.
   */
  @Override
  public ReadableFile openImmutable(Path file) throws IOException {
    if (!MappedReadableFile.available()) {
      return openRead(file);
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    long size;
    try {
      size = ch.size();
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (size > Integer.MAX_VALUE) {
      return new LocalReadableFile(file, ch);
    }
    // A mapping outlives its channel, so the descriptor is not held while the table is open.
    try (ch) {
      return MappedReadableFile.map(file, ch, (int) size);
    }
  }

  @Override
  public long size(Path file) throws IOException {
    return Files.size(file);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + source + " to " + target + " atomically", e);
    }
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.delete(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public FileLock lock(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    synchronized (sharedHere) {
      if (sharedHere.containsKey(key)) {
        throw new IOException(file + " is locked (shared) by a read-only engine in this process");
      }
      if (!lockedHere.add(key)) {
        throw new IOException(file + " is locked by another engine in this process");
      }
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      java.nio.channels.FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new IOException(file + " is locked by another process");
      }
      return new LocalFileLock(file, key, ch, lock);
    } catch (IOException | RuntimeException e) {
      lockedHere.remove(key);
      if (ch != null) {
        ch.close();
      }
      throw e;
    }
  }

  /**
   * Opens {@code file} for reading only (it is never created or written) and takes a shared lock on
   * it; holders in this JVM share one OS lock.
   */
  @Override
  public FileLock lockShared(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    synchronized (sharedHere) {
      if (lockedHere.contains(key)) {
        throw new IOException(file + " is locked by a writing engine in this process");
      }
      SharedLock held = sharedHere.get(key);
      if (held == null) {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        java.nio.channels.FileLock lock;
        try {
          lock = ch.tryLock(0, Long.MAX_VALUE, true);
        } catch (IOException | RuntimeException e) {
          ch.close();
          throw e;
        }
        if (lock == null) {
          ch.close();
          throw new IOException(file + " is locked by a writing engine in another process");
        }
        held = new SharedLock(ch, lock);
        sharedHere.put(key, held);
      }
      held.holders++;
    }
    return new SharedHolder(file, key);
  }

  /** One OS shared lock and the number of holders in this JVM. */
  private static final class SharedLock {
    final FileChannel channel;
    final java.nio.channels.FileLock lock;
    int holders;

    SharedLock(FileChannel channel, java.nio.channels.FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }
  }

  private final class SharedHolder implements FileLock {
    private final Path path;
    private final Path key;
    private boolean closed;

    SharedHolder(Path path, Path key) {
      this.path = path;
      this.key = key;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void close() throws IOException {
      synchronized (sharedHere) {
        if (closed) {
          return;
        }
        closed = true;
        SharedLock held = sharedHere.get(key);
        if (held == null || --held.holders > 0) {
          return;
        }
        sharedHere.remove(key);
        try {
          held.lock.release();
        } finally {
          held.channel.close();
        }
      }
    }
  }

  @Override
  public void link(Path existing, Path link) throws IOException {
    Files.createLink(link, existing);
  }

  /**
   * Says what keeps this process from {@code modes} on {@code path}: a read-only file system for
   * writes, else the permission bits against the process's user (checked with {@code access(2)}
   * through {@link Files#isWritable} and friends, so root passes where the bits say no).
   */
  @Override
  public Optional<String> accessProblem(Path path, AccessMode... modes) {
    List<String> missing = new ArrayList<>();
    for (AccessMode m : modes) {
      boolean ok =
          switch (m) {
            case READ -> Files.isReadable(path);
            case WRITE -> Files.isWritable(path);
            case EXECUTE -> Files.isExecutable(path);
          };
      if (!ok) {
        missing.add(m.name().toLowerCase(Locale.ROOT));
      }
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    if (missing.contains("write")) {
      try {
        if (Files.getFileStore(path).isReadOnly()) {
          return Optional.of("the file system holding " + path + " is mounted read-only");
        }
      } catch (IOException e) {
        // Fall through to the permission bits.
      }
    }
    String who = System.getProperty("user.name");
    StringBuilder msg =
        new StringBuilder("no ")
            .append(String.join(" or ", missing))
            .append(" permission on ")
            .append(path)
            .append(" for user ")
            .append(who);
    try {
      PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
      msg.append(" (owner ")
          .append(a.owner().getName())
          .append(", mode ")
          .append(PosixFilePermissions.toString(a.permissions()))
          .append(')');
    } catch (IOException | UnsupportedOperationException e) {
      // No POSIX attributes to show.
    }
    return Optional.of(msg.toString());
  }

  private final class LocalFileLock implements FileLock {
    private final Path path;
    private final Path key;
    private final FileChannel channel;
    private final java.nio.channels.FileLock lock;
    private boolean closed;

    LocalFileLock(Path path, Path key, FileChannel channel, java.nio.channels.FileLock lock) {
      this.path = path;
      this.key = key;
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lock.release();
        channel.close();
      } finally {
        lockedHere.remove(key);
      }
    }
  }

  private static final class LocalWritableFile implements WritableFile {
    private final Path path;
    private final FileChannel channel;
    private long size;

    LocalWritableFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void append(ByteBuffer src) throws IOException {
      while (src.hasRemaining()) {
        size += channel.write(src);
      }
    }

    @Override
    public void sync() throws IOException {
      channel.force(false);
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static final class LocalReadableFile implements ReadableFile {
    private final Path path;
    private final FileChannel channel;

    LocalReadableFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      long pos = position;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n < 0) {
          throw new EOFException(
              path
                  + ": read of "
                  + (dst.remaining() + pos - position)
                  + " bytes at "
                  + position
                  + " passes the end of the file ("
                  + channel.size()
                  + " bytes)");
        }
        pos += n;
      }
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
