package io.kiwidb.api;

/**
 * A configuration value was rejected: an unknown key, a value of the wrong type or out of range, an
 * unknown implementation name, or a config file that is not valid JSON. The message names the key
 * and the value (or the file and position). The engine and the config file stay as they were.
 */
public final class InvalidConfigException extends KiwiException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * Creates the exception for one key.
   *
   * @param key the config key, in snake_case as written in {@code config.json}
   * @param value the rejected value, as given
   * @param reason why it was rejected, e.g. {@code "must be between 1 and 64"}
   */
  public InvalidConfigException(String key, Object value, String reason) {
    super("invalid config " + key + "=" + render(value) + ": " + reason);
    this.key = key;
  }

  /**
   * Creates the exception for a whole file that cannot be read or parsed.
   *
   * @param message names the file and, where known, the line and column
   * @param cause the parser's exception
   */
  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
    this.key = null;
  }

  /** The rejected key, or {@code null} when the whole file was rejected. */
  public String key() {
    return key;
  }

  private static String render(Object value) {
    return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
  }
}
