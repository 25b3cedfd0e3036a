package io.kiwidb.api;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An I/O operation failed (a read, write, sync, rename or delete, or a full disk). The message
 * names the operation and the file. The cause is the original {@link IOException}.
 */
public final class KiwiIOException extends KiwiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param operation what was being done, e.g. {@code "sync wal/000012.log"}
   * @param cause the underlying failure
   */
  public KiwiIOException(String operation, IOException cause) {
    super(operation + " failed: " + cause, cause);
  }

  /** Wraps an {@link UncheckedIOException}, keeping its {@link IOException} as the cause. */
  public KiwiIOException(String operation, UncheckedIOException cause) {
    this(operation, cause.getCause());
  }

  @Override
  public synchronized IOException getCause() {
    return (IOException) super.getCause();
  }
}
