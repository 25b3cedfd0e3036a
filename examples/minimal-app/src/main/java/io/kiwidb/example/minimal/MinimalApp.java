package io.kiwidb.example.minimal;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a store with the {@code skiplist} memtable (the one on the path), writes and reads a key.
 *
 * <p>Usage: {@code MinimalApp <data dir> [memtable_impl]}. With a memtable whose artifact is not on
 * the path (try {@code redblack}) the open fails, and the message names the artifact to add; the
 * program prints it and exits 2.
 */
public final class MinimalApp {
  private MinimalApp() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: MinimalApp <data dir> [memtable_impl]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    String memtable = args.length > 1 ? args[1] : "skiplist";
    System.exit(run(data, memtable));
  }

  /**
   * Runs once.
   *
   * @return 0 on success, 2 when the configured implementation is not installed
   */
  static int run(Path data, String memtable) throws IOException {
    Files.createDirectories(data);
    Files.writeString(
        data.resolve("config.json"),
        "{\"memtable_impl\": \"" + memtable + "\", \"log_broadcast_enabled\": false}\n",
        StandardCharsets.UTF_8);
    try (StorageEngine db = KiwiDb.open(data)) {
      db.put(bytes("user:1"), bytes("ada"));
      String v = new String(db.get(bytes("user:1")).orElseThrow(), StandardCharsets.UTF_8);
      System.out.println("user:1 = " + v + " (" + db.stats().implementations() + ")");
      return 0;
    } catch (InvalidConfigException e) {
      System.err.println("cannot open: " + e.getMessage());
      return 2;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
