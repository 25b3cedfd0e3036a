package io.kiwidb.example.log4j2;

import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a store, writes, flushes and reads a key. Its {@code log4j2.xml} prints every log event on
 * standard output with an {@code app-log4j2} prefix, so a reader (or the launcher test) sees that
 * kiwi-db's log lines went through the application's log4j2 and nowhere else.
 *
 * <p>Usage: {@code Log4j2App <data dir>}.
 */
public final class Log4j2App {
  private Log4j2App() {}

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Log4j2App <data dir>");
      System.exit(2);
    }
    Path data = Files.createDirectories(Path.of(args[0]));
    // The one memtable on this application's path (the default, arena, is not).
    Files.writeString(
        data.resolve("config.json"), "{\"memtable_impl\": \"skiplist\"}\n", StandardCharsets.UTF_8);
    try (StorageEngine db = KiwiDb.open(data)) {
      db.put(bytes("user:1"), bytes("ada"));
      db.flush();
      String v = new String(db.get(bytes("user:1")).orElseThrow(), StandardCharsets.UTF_8);
      System.out.println("user:1 = " + v);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
