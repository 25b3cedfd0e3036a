package io.kiwidb.api;

/**
 * The root of kiwi-db's unchecked exceptions. Every failure the engine reports to a caller is a
 * subclass, so callers can catch this one type; the subclasses say what went wrong.
 */
public class KiwiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public KiwiException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public KiwiException(String message, Throwable cause) {
    super(message, cause);
  }
}
