package io.kiwidb.api;

/** A call was made on an engine (or a snapshot or iterator) after it was closed. */
public final class EngineClosedException extends KiwiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param what what was closed, e.g. {@code "engine at ./data"}
   * @param call the call that was refused, e.g. {@code "put"}
   */
  public EngineClosedException(String what, String call) {
    super(call + " failed: " + what + " is closed");
  }
}
