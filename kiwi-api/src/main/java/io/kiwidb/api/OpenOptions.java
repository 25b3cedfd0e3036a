package io.kiwidb.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link KiwiDb#open(Path, OpenOptions)} opens a store, beyond its directory. Immutable; each
 * {@code with} method returns a copy.
 *
 * <pre>{@code
 * StorageEngine db = KiwiDb.open(dir, OpenOptions.defaults()
 *     .withLogBroadcast(false)
 *     .withProgress(p -> System.err.println(p.done() + "/" + p.total() + " " + p.unit())));
 * }</pre>
 *
 * @param configFile the config file, or {@code null} for {@code <dataRoot>/config.json}
 * @param logBroadcast whether the engine may run its log broadcast as {@code config.json} says;
 *     {@code false} runs none whatever the config says, for a short-lived process (the {@code kiwi}
 *     tool's one-shot commands) that nobody will tail; the config file is not changed
 * @param progress receives recovery progress while the store opens (the write-ahead log replayed
 *     into memtables), see {@link ProgressListener}
 */
public record OpenOptions(Path configFile, boolean logBroadcast, ProgressListener progress) {

  /** Checks the values. */
  public OpenOptions {
    Objects.requireNonNull(progress, "progress");
  }

  /** The config at {@code <dataRoot>/config.json}, the broadcast as configured, no listener. */
  public static OpenOptions defaults() {
    return new OpenOptions(null, true, ProgressListener.NONE);
  }

  /** These options with the config file at {@code file} ({@code null}: the default one). */
  public OpenOptions withConfigFile(Path file) {
    return new OpenOptions(file, logBroadcast, progress);
  }

  /** These options with the log broadcast as configured ({@code true}) or off ({@code false}). */
  public OpenOptions withLogBroadcast(boolean asConfigured) {
    return new OpenOptions(configFile, asConfigured, progress);
  }

  /** These options with a recovery progress listener. */
  public OpenOptions withProgress(ProgressListener listener) {
    return new OpenOptions(configFile, logBroadcast, listener);
  }
}
