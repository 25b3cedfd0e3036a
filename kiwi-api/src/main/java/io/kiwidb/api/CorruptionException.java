package io.kiwidb.api;

/**
 * Stored data failed a check: a checksum mismatch, a bad magic number, an unknown format version,
 * or a structure that cannot be decoded. The message names the file and the byte offset. kiwi-db
 * reports corruption rather than return a value it cannot vouch for.
 */
public final class CorruptionException extends KiwiException {
  private static final long serialVersionUID = 1L;

  /** Offset value used when the corruption is not tied to one position (e.g. a missing file). */
  public static final long UNKNOWN_OFFSET = -1;

  private final String file;
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param file the file that is corrupt (a path or a name within the data directory)
   * @param offset the byte offset of the bad record or block, or {@link #UNKNOWN_OFFSET}
   * @param detail what check failed
   */
  public CorruptionException(String file, long offset, String detail) {
    this(file, offset, detail, null);
  }

  /** As {@link #CorruptionException(String, long, String)}, with the underlying cause. */
  public CorruptionException(String file, long offset, String detail, Throwable cause) {
    super(
        "corruption in "
            + file
            + (offset == UNKNOWN_OFFSET ? "" : " at offset " + offset)
            + ": "
            + detail,
        cause);
    this.file = file;
    this.offset = offset;
  }

  /** The corrupt file. */
  public String file() {
    return file;
  }

  /** The byte offset of the bad record or block, or {@link #UNKNOWN_OFFSET}. */
  public long offset() {
    return offset;
  }
}
