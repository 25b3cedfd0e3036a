package io.kiwidb.engine;

import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.testkit.ConfigFiles;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for engine tests: configs, byte conversions, simulated process death. */
final class EngineTestSupport {
  static final Path ROOT = Path.of("/db");

  private EngineTestSupport() {}

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Writes {@code <root>/config.json} with the given keys (and the log broadcast off, so tests do
   * not compete for ports).
   */
  static void writeConfig(FileSystem fs, Path root, Map<String, Object> keys) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("log_broadcast_enabled", false);
    all.putAll(keys);
    ConfigFiles.write(fs, root, all);
  }

  /**
   * Kills an engine the way a power cut would: every I/O from now on fails, the engine is closed
   * (its close fails quietly), and the file system drops everything not durable.
   */
  static void powerCut(FaultInjectingFileSystem fs, LsmEngine engine) {
    fs.failAt(FaultInjectingFileSystem.Op.ALL, 1, FaultInjectingFileSystem.Fault.CRASH);
    try {
      engine.close();
    } catch (RuntimeException expected) {
      // The dead process cannot close cleanly; what matters is what the disk kept.
    }
    fs.crash();
  }
}
