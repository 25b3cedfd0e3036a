package io.kiwidb.reliability.crash;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link FileSystem} whose {@code create} fails, after a delay, for the paths a predicate picks
 * (say, only table files), while everything else works: to fail one background job and nothing
 * else.
 *
 * <p>Thread safety: as safe as the delegate; {@link #armed} is volatile.
 */
final class SelectiveFailures implements FileSystem {
  private final FileSystem delegate;
  private final Predicate<Path> fails;
  private final long delayMillis;
  volatile boolean armed = true;

  SelectiveFailures(FileSystem delegate, Predicate<Path> fails, long delayMillis) {
    this.delegate = delegate;
    this.fails = fails;
    this.delayMillis = delayMillis;
  }

  @Override
  public WritableFile create(Path file) throws IOException {
    if (armed && fails.test(file)) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException(file + ": injected create failure");
    }
    return delegate.create(file);
  }

  @Override
  public ReadableFile openRead(Path file) throws IOException {
    return delegate.openRead(file);
  }

  @Override
  public long size(Path file) throws IOException {
    return delegate.size(file);
  }

  @Override
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate.rename(source, target);
  }

  @Override
  public void delete(Path file) throws IOException {
    delegate.delete(file);
  }

  @Override
  public List<Path> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    delegate.syncDirectory(dir);
  }

  @Override
  public FileLock lock(Path file) throws IOException {
    return delegate.lock(file);
  }
}
