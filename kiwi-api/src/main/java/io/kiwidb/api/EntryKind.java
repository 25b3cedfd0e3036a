package io.kiwidb.api;

/**
 * What a stored version of a key says: a value ({@link #PUT}) or a tombstone ({@link #DELETE}). The
 * code is the byte written to the WAL and to tables; it never changes.
 */
public enum EntryKind {
  /** A tombstone: the key is deleted as of this version. */
  DELETE(0),
  /** A value. */
  PUT(1);

  private final int code;

  EntryKind(int code) {
    this.code = code;
  }

  /** The on-disk code. */
  public int code() {
    return code;
  }

  /**
   * The kind for an on-disk code.
   *
   * @throws IllegalArgumentException for an unknown code (callers turn it into a corruption error
   *     naming the file)
   */
  public static EntryKind fromCode(int code) {
    return switch (code) {
      case 0 -> DELETE;
      case 1 -> PUT;
      default -> throw new IllegalArgumentException("unknown entry kind code " + code);
    };
  }
}
