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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
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
    if (!lockedHere.add(key)) {
      throw new IOException(file + " is locked by another engine in this process");
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
