package io.kiwidb.reliability.crash;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.testkit.ForwardingFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A {@link FileSystem} whose {@code create} fails, after a delay, for the paths a predicate picks
 * (say, only table files), while everything else works: to fail one background job and nothing
 * else.
 *
 * <p>Thread safety: as safe as the delegate; {@link #armed} is volatile.
 */
final class SelectiveFailures extends ForwardingFileSystem {
  private final Predicate<Path> fails;
  private final long delayMillis;
  volatile boolean armed = true;

  SelectiveFailures(FileSystem delegate, Predicate<Path> fails, long delayMillis) {
    super(delegate);
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
    return super.create(file);
  }
}
