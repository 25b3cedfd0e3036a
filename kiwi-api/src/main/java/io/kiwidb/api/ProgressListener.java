package io.kiwidb.api;

/**
 * Receives progress reports of long work: recovery at open ({@link OpenOptions#withProgress}), and
 * whatever else a caller chooses to report in the same shape (the {@code kiwi} tool reports its
 * bulk load and flush this way).
 *
 * <p>Calls come from the thread doing the work, at most a few times a second, with a last call
 * whose {@link Progress#finished()} is true. A listener must return quickly and must not call back
 * into the engine being opened.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every report. */
  ProgressListener NONE = progress -> {};

  /** One report. */
  void progress(Progress progress);
}
