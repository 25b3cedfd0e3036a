package io.kiwidb.sstable.table;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Names of table files: {@code <data_root>/sst/<file number>.sst}, the number zero-padded to at
 * least six digits so a directory listing sorts by age for the first million files.
 */
public final class TableFiles {
  /** The table directory under the data root. */
  public static final String DIRECTORY = "sst";

  /** The table file suffix. */
  public static final String SUFFIX = ".sst";

  private TableFiles() {}

  /** The directory holding tables. */
  public static Path directory(Path dataRoot) {
    return dataRoot.resolve(DIRECTORY);
  }

  /**
   * The file name for a table number, e.g. {@code 000042.sst}.
   *
   * @throws IllegalArgumentException if the number is negative
   */
  public static String fileName(long fileNumber) {
    if (fileNumber < 0) {
      throw new IllegalArgumentException("file number must be >= 0, got " + fileNumber);
    }
    return String.format("%06d%s", fileNumber, SUFFIX);
  }

  /** The path of a table under the data root. */
  public static Path tablePath(Path dataRoot, long fileNumber) {
    return directory(dataRoot).resolve(fileName(fileNumber));
  }

  /** The file number of a table file name, or empty if the name is not one of ours. */
  public static OptionalLong parseFileNumber(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SUFFIX) || name.length() < SUFFIX.length() + 6) {
      return OptionalLong.empty();
    }
    String digits = name.substring(0, name.length() - SUFFIX.length());
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return OptionalLong.empty();
      }
    }
    try {
      return OptionalLong.of(Long.parseLong(digits));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
