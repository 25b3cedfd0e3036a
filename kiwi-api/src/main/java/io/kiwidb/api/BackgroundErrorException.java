package io.kiwidb.api;

/**
 * A background job (a flush, a compaction, a failed WAL sync) failed and the engine stopped
 * accepting writes so that it cannot acknowledge data it may not be able to keep. Reads still work.
 * The cause is the original failure. Reopening the engine recovers every acknowledged write.
 */
public final class BackgroundErrorException extends KiwiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param call the refused call, e.g. {@code "put"}
   * @param cause the background failure that put the engine in its error state
   */
  public BackgroundErrorException(String call, Throwable cause) {
    super(call + " refused: the engine is in a background-error state after: " + cause, cause);
  }
}
