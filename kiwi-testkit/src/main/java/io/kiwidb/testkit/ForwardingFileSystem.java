package io.kiwidb.testkit;

import io.kiwidb.api.spi.FileLock;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.ReadableFile;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link FileSystem} that passes every call to a delegate, so a test double overrides only the
 * operations it watches, delays or fails.
 *
 * <p>Thread safety: as safe as the delegate.
 */
public abstract class ForwardingFileSystem implements FileSystem {
  private final FileSystem delegate;

  /** Forwards to {@code delegate}. */
  protected ForwardingFileSystem(FileSystem delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The file system every call goes to. */
  protected FileSystem delegate() {
    return delegate;
  }

  @Override
  public WritableFile create(Path file) throws IOException {
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

  @Override
  public FileLock lockShared(Path file) throws IOException {
    return delegate.lockShared(file);
  }

  @Override
  public void link(Path existing, Path link) throws IOException {
    delegate.link(existing, link);
  }

  @Override
  public Optional<String> accessProblem(Path path, AccessMode... modes) {
    return delegate.accessProblem(path, modes);
  }
}
