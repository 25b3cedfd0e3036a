package io.kiwidb.api.spi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A file being written front to back. See {@link FileSystem} for the durability model.
 *
 * <p>Thread safety: one writer at a time for appends and close; {@link #sync()} may also be called
 * from other threads, concurrently with an append (a log's writer appends the next group while
 * another thread syncs the previous one), and makes durable at least every byte appended before it
 * was called.
 */
public interface WritableFile extends Closeable {
  /** The file's path. */
  Path path();

  /** Appends every remaining byte of {@code src}, advancing its position. */
  void append(ByteBuffer src) throws IOException;

  /** Appends {@code len} bytes of {@code b} from {@code off}. */
  default void append(byte[] b, int off, int len) throws IOException {
    append(ByteBuffer.wrap(b, off, len));
  }

  /** Appends all of {@code b}. */
  default void append(byte[] b) throws IOException {
    append(ByteBuffer.wrap(b));
  }

  /**
   * Makes every byte appended so far durable (fdatasync). If this throws, the file's durable state
   * is unknown: callers must not retry as if the earlier bytes were safe.
   */
  void sync() throws IOException;

  /** The number of bytes appended so far. */
  long size();

  /** Closes the file without syncing it. Idempotent. */
  @Override
  void close() throws IOException;
}
