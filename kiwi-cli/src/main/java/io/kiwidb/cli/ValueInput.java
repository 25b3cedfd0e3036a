package io.kiwidb.cli;

import io.kiwidb.api.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a value for {@code put} from a file ({@code --value-file <path>}) or from standard input
 * ({@code -}), byte for byte and never more than {@link Limits#MAX_VALUE_BYTES}: a larger input is
 * refused with an error naming the limit, after reading at most one byte past it (a file's size is
 * checked before anything is read).
 *
 * <p>Thread safety: stateless.
 */
final class ValueInput {
  private static final String LIMIT =
      "the limit for a value is " + Limits.MAX_VALUE_BYTES + " bytes (16 MiB)";

  private ValueInput() {}

  /**
   * The whole of standard input.
   *
   * @param stdin the program's standard input, or {@code null} in the shell, whose standard input
   *     holds its commands
   * @throws IllegalArgumentException if there is no standard input to read or it is too large
   */
  static byte[] fromStandardInput(InputStream stdin) {
    if (stdin == null) {
      throw new IllegalArgumentException(
          "'-' reads the value from standard input, but in the shell standard input holds the"
              + " commands; use --value-file <path>");
    }
    try {
      return bounded(stdin, "the value on standard input");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the value from standard input: " + e, e);
    }
  }

  /**
   * The contents of a file.
   *
   * @param command where a malformed path is reported as a usage error
   * @throws IllegalArgumentException if the file is missing, a directory, unreadable or too large
   */
  static byte[] fromFile(String name, CommandLine command) {
    Path file;
    try {
      file = Main.toPath(name);
    } catch (TypeConversionException e) {
      throw new ParameterException(
          command, "Invalid value for option '--value-file': " + e.getMessage());
    }
    String what = "--value-file " + file;
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(what + " is a directory, not a file");
    }
    try {
      if (Files.isRegularFile(file)) {
        long size = Files.size(file);
        if (size > Limits.MAX_VALUE_BYTES) {
          throw new IllegalArgumentException(what + " is " + size + " bytes: " + LIMIT);
        }
      }
      try (InputStream in = Files.newInputStream(file)) {
        return bounded(in, what);
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(what + " cannot be read: permission denied", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + ": " + e, e);
    }
  }

  /** Reads everything, or fails once more than the value limit arrives. */
  private static byte[] bounded(InputStream in, String what) throws IOException {
    byte[] bytes = in.readNBytes(Limits.MAX_VALUE_BYTES + 1);
    if (bytes.length > Limits.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          what + " is more than " + Limits.MAX_VALUE_BYTES + " bytes: " + LIMIT);
    }
    return bytes;
  }
}
