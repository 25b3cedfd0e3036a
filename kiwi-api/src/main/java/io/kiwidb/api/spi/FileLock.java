package io.kiwidb.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/** An exclusive lock on a file, from {@link FileSystem#lock(Path)}. Closing releases it. */
public interface FileLock extends Closeable {
  /** The locked file. */
  Path path();

  /** Releases the lock. Idempotent. */
  @Override
  void close() throws IOException;
}
