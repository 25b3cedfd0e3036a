package io.kiwidb.reliability.model;

/**
 * The engine disagreed with the model, or failed, at one op of a log. Carries the op's index so a
 * shrinker can cut the log after it.
 */
final class ModelMismatch extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final int opIndex;

  ModelMismatch(int opIndex, Op op, String detail, Throwable cause) {
    super("op #" + opIndex + " [" + op + "]: " + detail, cause);
    this.opIndex = opIndex;
  }

  /** The index of the op that failed (or -1 for the final check). */
  int opIndex() {
    return opIndex;
  }
}
