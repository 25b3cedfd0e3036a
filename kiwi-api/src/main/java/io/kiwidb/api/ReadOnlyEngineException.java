package io.kiwidb.api;

/**
 * A write was attempted on an engine opened with {@link KiwiDb#openReadOnly(java.nio.file.Path)}:
 * {@code put}, {@code delete}, {@code write}, {@code flush} and {@code updateConfig} (and their
 * asynchronous forms) are refused, and nothing was written.
 */
public final class ReadOnlyEngineException extends KiwiException {
  private static final long serialVersionUID = 1L;

  private final String call;

  /**
   * Creates the exception.
   *
   * @param what the engine, e.g. {@code "engine at ./data"}
   * @param call the call that was refused, e.g. {@code "put"}
   */
  public ReadOnlyEngineException(String what, String call) {
    super(
        call
            + " failed: "
            + what
            + " is open read-only (KiwiDb.openReadOnly); open it with KiwiDb.open to write");
    this.call = call;
  }

  /** The call that was refused, e.g. {@code "put"}. */
  public String call() {
    return call;
  }
}
