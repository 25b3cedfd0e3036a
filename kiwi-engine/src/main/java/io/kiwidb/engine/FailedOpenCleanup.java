package io.kiwidb.engine;

import io.kiwidb.api.spi.FileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Makes a failed open leave the data directory as it found it: what the directory held is noted
 * before the open, and after a failure (once the engine's files are closed) whatever the open
 * created is removed again: {@code LOCK}, {@code wal/}, {@code sst/}, {@code logs/}, a default
 * {@code config.json}, a first manifest, and the directory itself if it did not exist.
 *
 * <p>Only a directory that held no store is cleaned: where {@code CURRENT} existed before the open,
 * nothing but a new {@code LOCK} is removed, since a failed recovery may already have switched the
 * store to a new manifest that must not be lost. A config file given outside the directory is
 * removed only if this open created it.
 *
 * <p>Cleanup runs after the lock is released (the log file and the lock file must be closed first);
 * it removes only entries that did not exist before this open.
 *
 * <p>Thread safety: for the opening thread.
 */
final class FailedOpenCleanup {
  private final FileSystem fs;
  private final Path root;
  private final boolean rootExisted;
  private final boolean heldStore;
  private final Set<Path> entriesBefore;
  private final Path configPath;
  private final boolean configExisted;

  private FailedOpenCleanup(
      FileSystem fs,
      Path root,
      boolean rootExisted,
      boolean heldStore,
      Set<Path> entriesBefore,
      Path configPath,
      boolean configExisted) {
    this.fs = fs;
    this.root = root;
    this.rootExisted = rootExisted;
    this.heldStore = heldStore;
    this.entriesBefore = entriesBefore;
    this.configPath = configPath;
    this.configExisted = configExisted;
  }

  /**
   * Notes what {@code dataRoot} (and {@code configPath}, if given) hold before an open.
   *
   * @param configPath the explicit config file, or {@code null}
   */
  static FailedOpenCleanup before(FileSystem fs, Path dataRoot, Path configPath) {
    Path root = dataRoot.toAbsolutePath().normalize();
    boolean existed = fs.exists(root);
    Set<Path> entries = new HashSet<>();
    if (existed) {
      try {
        entries.addAll(fs.list(root));
      } catch (IOException e) {
        // Not a directory, or unreadable: the open fails on it and creates nothing to undo.
        return new FailedOpenCleanup(fs, root, true, true, Set.of(), null, true);
      }
    }
    Path config = configPath == null ? null : configPath.toAbsolutePath().normalize();
    return new FailedOpenCleanup(
        fs,
        root,
        existed,
        entries.contains(root.resolve("CURRENT")),
        entries,
        config,
        config == null || fs.exists(config));
  }

  /**
   * Removes what the failed open created; failures to remove are added to {@code failure} as
   * suppressed exceptions, never thrown.
   */
  void undo(Throwable failure) {
    try {
      if (configPath != null && !configExisted && !configPath.startsWith(root)) {
        fs.deleteIfExists(configPath);
      }
      if (!rootExisted) {
        removeTree(root);
        return;
      }
      for (Path p : fs.list(root)) {
        if (entriesBefore.contains(p)) {
          continue;
        }
        if (!heldStore || p.getFileName().toString().equals(DataDirectory.LOCK)) {
          removeTree(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private void removeTree(Path p) throws IOException {
    FileTrees.remove(fs, p);
  }
}
