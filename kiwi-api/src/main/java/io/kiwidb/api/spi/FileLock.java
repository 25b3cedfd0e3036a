package io.kiwidb.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A lock on a file: exclusive from {@link FileSystem#lock(Path)}, shared from {@link
 * FileSystem#lockShared(Path)}. Closing releases it.
 */
public interface FileLock extends Closeable {
  /** The locked file. */
  Path path();

  /** Releases the lock. Idempotent. */
  @Override
  void close() throws IOException;
}
