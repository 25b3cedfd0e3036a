package io.kiwidb.bench.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The db_bench-style data the engine benchmarks share: 16-byte keys that are the key number as
 * sixteen ASCII digits (so byte order is numeric order), and 100-byte random values, which no codec
 * can shrink. Keys and values are generated on the fly, never held in a big array, so the heap a
 * benchmark measures is the engine's.
 */
final class Workload {
  static final int KEY_LEN = 16;
  static final int VALUE_LEN = 100;
  static final long ENTRY_BYTES = KEY_LEN + VALUE_LEN;

  private Workload() {}

  /**
   * Keeps the engines' INFO lines off the console (they stay in each engine's own log file). Call
   * first in {@code main}, before any logger exists; an explicit {@code
   * -Dlogback.configurationFile} wins.
   */
  static void quietConsoleLogging() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/kiwidb/bench/engine/logback-bench.xml");
    }
  }

  /** Key number {@code n} as sixteen decimal digits. */
  static byte[] key(long n) {
    byte[] k = new byte[KEY_LEN];
    for (int i = KEY_LEN - 1; i >= 0; i--) {
      k[i] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return k;
  }

  /** A fresh random value (a new array: an engine may keep the one it is given). */
  static byte[] value(SplittableRandom random) {
    byte[] v = new byte[VALUE_LEN];
    for (int i = 0; i < VALUE_LEN; i += 8) {
      long r = random.nextLong();
      for (int j = 0; j < 8 && i + j < VALUE_LEN; j++) {
        v[i + j] = (byte) (r >>> (j * 8));
      }
    }
    return v;
  }

  /** The total size of the regular files under {@code dir} whose name ends with {@code suffix}. */
  static long bytesUnder(Path dir, String suffix) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .mapToLong(Workload::sizeOrZero)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0; // deleted between the listing and the stat: an obsolete file, not counted
    }
  }

  /** Deletes a directory tree if it exists. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
