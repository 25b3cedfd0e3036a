package io.kiwidb.api;

import java.time.Duration;

/**
 * A write waited for the flush pipeline longer than {@code backpressure_timeout} and gave up. The
 * write was not applied; everything acknowledged before it is kept. Retrying later is safe.
 */
public final class WriteStallException extends KiwiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param reason what the write waited for, e.g. {@code "4 immutable memtables awaiting flush"}
   * @param waited how long it waited
   */
  public WriteStallException(String reason, Duration waited) {
    super("write stalled for " + waited.toMillis() + " ms (" + reason + ") and was not applied");
  }
}
