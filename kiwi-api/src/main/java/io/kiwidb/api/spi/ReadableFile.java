package io.kiwidb.api.spi;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A file opened for positional reads.
 *
 * <p>Thread safety: any number of threads may read at once.
 */
public interface ReadableFile extends Closeable {
  /** The file's path. */
  Path path();

  /**
   * Reads exactly {@code dst.remaining()} bytes starting at {@code position}.
   *
   * @throws EOFException if the file ends first; the message gives the position and sizes
   */
  void readFully(long position, ByteBuffer dst) throws IOException;

  /** Reads exactly {@code len} bytes at {@code position} into {@code b} from {@code off}. */
  default void readFully(long position, byte[] b, int off, int len) throws IOException {
    readFully(position, ByteBuffer.wrap(b, off, len));
  }

  /** Reads {@code len} bytes at {@code position} into a new array. */
  default byte[] read(long position, int len) throws IOException {
    byte[] b = new byte[len];
    readFully(position, b, 0, len);
    return b;
  }

  /** The current size of the file. */
  long size() throws IOException;

  /** Closes the file. Idempotent. */
  @Override
  void close() throws IOException;
}
