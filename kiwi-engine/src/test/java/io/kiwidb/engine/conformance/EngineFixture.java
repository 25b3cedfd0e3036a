package io.kiwidb.engine.conformance;

import io.kiwidb.api.spi.WritableFile;
import io.kiwidb.engine.LsmEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared set-up of the conformance tests: an engine on an {@link ObservedFileSystem}, under a
 * data root of its own (so its log lines can be told apart), with its log lines captured.
 */
abstract class EngineFixture {
  private static final AtomicLong ROOTS = new AtomicLong();

  final ObservedFileSystem fs = new ObservedFileSystem();
  final Path root =
      Path.of("/conformance-" + getClass().getSimpleName() + "-" + ROOTS.incrementAndGet());
  LogCapture logs;
  LsmEngine engine;

  @BeforeEach
  void startCapture() {
    logs = LogCapture.of(root);
  }

  @AfterEach
  void closeEngine() {
    fs.releaseSyncs();
    fs.failWrites(p -> false);
    try {
      if (engine != null) {
        engine.close();
      }
    } finally {
      logs.close();
    }
  }

  /** Opens the engine with these config keys (plus a 1000-entry memtable, broadcast off). */
  LsmEngine open(Map<String, Object> keys) {
    writeConfig(keys);
    engine = LsmEngine.open(fs, root, null);
    return engine;
  }

  LsmEngine open() {
    return open(Map.of());
  }

  LsmEngine reopen() {
    engine.close();
    engine = LsmEngine.open(fs, root, null);
    return engine;
  }

  Path sstDir() {
    return root.resolve("sst");
  }

  Path walDir() {
    return root.resolve("wal");
  }

  Path configFile() {
    return root.resolve("config.json");
  }

  /** Writes {@code config.json}; keys given override the test defaults. */
  void writeConfig(Map<String, Object> keys) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("max_memtable_entries", 1000);
    all.put("log_broadcast_enabled", false);
    all.putAll(keys);
    writeFile(
        configFile(),
        all.entrySet().stream()
            .map(e -> "  \"" + e.getKey() + "\": " + json(e.getValue()))
            .collect(Collectors.joining(",\n", "{\n", "\n}\n")));
  }

  void writeFile(Path file, String text) {
    try {
      fs.createDirectories(file.getParent());
      try (WritableFile f = fs.create(file)) {
        f.append(text.getBytes(StandardCharsets.UTF_8));
        f.sync();
      }
      fs.syncDirectory(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String readFile(Path file) {
    try (var f = fs.openRead(file)) {
      return new String(f.read(0, (int) f.size()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(Object v) {
    return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
  }

  /** Waits (up to 30 s) for a condition that background threads make true. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until L0 holds {@code tables} files and no memtable awaits flush. */
  void awaitFlushed(int tables) {
    await(
        tables + " L0 tables and an empty flush queue",
        () -> engine.stats().l0SstableCount() == tables && engine.stats().immutableQueueLen() == 0);
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The value of {@code key} as a string, or null when absent. */
  String get(String key) {
    return engine.get(b(key)).map(EngineFixture::s).orElse(null);
  }
}
