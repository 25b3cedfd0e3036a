package io.kiwidb.bench.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Drops the operating system's page cache, so that the next reads come from the disk: {@code sync},
 * then {@code 3} into {@code /proc/sys/vm/drop_caches} (Linux, root only; clean pages, dentries and
 * inodes). It affects the whole machine, not only this process.
 *
 * <p>Thread safety: stateless.
 */
public final class PageCache {
  /** The Linux control file. */
  public static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

  private PageCache() {}

  /**
   * What a drop did.
   *
   * @param dropped whether the cache was dropped
   * @param detail how, or why not (for the report)
   */
  public record Outcome(boolean dropped, String detail) {}

  /** Drops the page cache through {@link #DROP_CACHES}. */
  public static Outcome drop() {
    return drop(DROP_CACHES);
  }

  /**
   * Runs {@code sync}, then writes {@code 3} into {@code control}. Never throws: a failure (not
   * root, a read-only {@code /proc/sys} in a container, another OS) is returned, so the caller can
   * state in its report that the reads ran on a warm cache.
   */
  public static Outcome drop(Path control) {
    try {
      Process sync = new ProcessBuilder("sync").redirectErrorStream(true).start();
      if (!sync.waitFor(5, TimeUnit.MINUTES)) {
        sync.destroyForcibly();
        return new Outcome(false, "sync did not finish in 5 minutes");
      }
      if (sync.exitValue() != 0) {
        return new Outcome(false, "sync exited with " + sync.exitValue());
      }
      Files.writeString(control, "3\n", StandardCharsets.US_ASCII);
      return new Outcome(true, "sync; echo 3 > " + control);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return new Outcome(false, "cannot write " + control + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(false, "interrupted while syncing");
    }
  }
}
