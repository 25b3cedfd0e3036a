package io.kiwidb.testkit;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.WritableFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes an engine's {@code config.json} for tests, durably (file and directory synced), so a test
 * that crashes the file system afterwards still opens with it.
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  /**
   * Writes {@code <root>/config.json} holding {@code keys} in their iteration order: strings
   * quoted, numbers and booleans as they print. Creates {@code root} if needed.
   *
   * @throws UncheckedIOException if the file system fails
   */
  public static void write(FileSystem fs, Path root, Map<String, ?> keys) {
    String json =
        keys.entrySet().stream()
            .map(e -> "  \"" + e.getKey() + "\": " + literal(e.getValue()))
            .collect(Collectors.joining(",\n", "{\n", "\n}\n"));
    try {
      fs.createDirectories(root);
      try (WritableFile f = fs.create(root.resolve("config.json"))) {
        f.append(json.getBytes(StandardCharsets.UTF_8));
        f.sync();
      }
      fs.syncDirectory(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String literal(Object value) {
    return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
  }
}
