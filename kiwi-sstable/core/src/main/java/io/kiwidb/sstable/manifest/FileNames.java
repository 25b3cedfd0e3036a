package io.kiwidb.sstable.manifest;

import io.kiwidb.sstable.table.TableFiles;
import java.nio.file.Path;

/**
 * Names of the files the level structure owns under a data root:
 *
 * <pre>
 * CURRENT            the name of the live manifest, e.g. "MANIFEST-000007\n"
 * CURRENT.tmp        the next CURRENT while it is being written (renamed over CURRENT)
 * MANIFEST-000007    the manifest: a header, then checksummed version edits
 * sst/000012.sst     table file number 12
 * </pre>
 *
 * <p>Manifests and tables draw their numbers from one counter ({@link VersionSet#newFileNumber()}),
 * so a number names at most one file ever. Numbers are zero-padded to six digits so names sort like
 * numbers; larger numbers simply get more digits.
 *
 * <p>Thread safety: stateless.
 */
public final class FileNames {
  /** The directory under the data root that holds table files. */
  public static final String TABLE_DIR = TableFiles.DIRECTORY;

  /** The pointer to the live manifest. */
  public static final String CURRENT = "CURRENT";

  /** The suffix of table files. */
  public static final String TABLE_SUFFIX = TableFiles.SUFFIX;

  static final String CURRENT_TMP = "CURRENT.tmp";
  static final String MANIFEST_PREFIX = "MANIFEST-";
  private static final int DIGITS = 6;

  private FileNames() {}

  /** The path of table file {@code fileNumber} under {@code dataRoot}. */
  public static Path tableFile(Path dataRoot, long fileNumber) {
    return TableFiles.tablePath(dataRoot, fileNumber);
  }

  /** The name of table file {@code fileNumber}, e.g. {@code 000012.sst}. */
  public static String tableFileName(long fileNumber) {
    return TableFiles.fileName(fileNumber);
  }

  /** The number of a table file name, or -1 if the name is not a table file's. */
  public static long parseTableFileName(String name) {
    return TableFiles.parseFileNumber(Path.of(name)).orElse(-1);
  }

  /** The name of manifest {@code number}, e.g. {@code MANIFEST-000007}. */
  public static String manifestFileName(long number) {
    return MANIFEST_PREFIX + padded(number);
  }

  /** The number of a manifest file name, or -1 if the name is not a manifest's. */
  public static long parseManifestFileName(String name) {
    if (!name.startsWith(MANIFEST_PREFIX)) {
      return -1;
    }
    return parseNumber(name.substring(MANIFEST_PREFIX.length()));
  }

  private static String padded(long number) {
    if (number < 0) {
      throw new IllegalArgumentException("file number " + number + " is negative");
    }
    String digits = Long.toString(number);
    return "0".repeat(Math.max(0, DIGITS - digits.length())) + digits;
  }

  /** Parses at least {@value #DIGITS} ASCII digits; -1 for anything else. */
  private static long parseNumber(String digits) {
    if (digits.length() < DIGITS || digits.length() > 19) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      long n = Long.parseLong(digits);
      // Only the canonical spelling: "0000012.sst" is not table 12 (whose name is "000012.sst").
      return padded(n).equals(digits) ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
