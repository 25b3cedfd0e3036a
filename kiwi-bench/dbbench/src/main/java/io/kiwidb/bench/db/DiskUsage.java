package io.kiwidb.bench.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Disk usage and clean-up of benchmark directories (the benchmark's own files, not the engine's).
 * The walks tolerate files that a running compaction deletes under them.
 */
final class DiskUsage {
  private DiskUsage() {}

  /**
   * Files and bytes under a directory.
   *
   * @param files regular files
   * @param bytes the sum of their sizes
   */
  record Usage(long files, long bytes) {}

  /** The regular files under {@code dir} and their total size. */
  static Usage usage(Path dir) {
    long[] totals = new long[2];
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                totals[0]++;
                totals[1] += attrs.size();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // deleted while we walked
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + dir, e);
    }
    return new Usage(totals[0], totals[1]);
  }

  /** The sum of the sizes of the regular files under {@code dir}. */
  static long bytesUnder(Path dir) {
    return usage(dir).bytes();
  }

  /** The number of regular files under {@code dir}. */
  static long filesUnder(Path dir) {
    return usage(dir).files();
  }

  /** Deletes {@code dir} and everything under it; a missing directory is fine. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
