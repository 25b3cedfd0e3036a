package io.kiwidb.cli;

import io.kiwidb.api.BackgroundErrorException;
import io.kiwidb.api.CorruptionException;
import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.KiwiException;
import io.kiwidb.api.KiwiIOException;
import io.kiwidb.api.WriteStallException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The documented exit codes of {@code kiwi} (see {@code docs/cli.md}), and which failure maps to
 * which. Scripts rely on these numbers: never renumber one.
 */
final class ExitCodes {
  /** Success. */
  static final int OK = 0;

  /** The key (or memtable, or table id) was not found. */
  static final int NOT_FOUND = 1;

  /** Bad command line: unknown command or option, missing or malformed argument. */
  static final int USAGE = 2;

  /** The data directory is missing, not a directory, or locked; or the config is invalid. */
  static final int DATA_DIR = 3;

  /** An I/O error, corrupt data, a write stall or a background error in the engine. */
  static final int STORAGE = 4;

  /** An unexpected failure (a bug), or no engine installed. */
  static final int INTERNAL = 5;

  private ExitCodes() {}

  /** The exit code for a failure thrown by a command. */
  static int of(Throwable t) {
    if (t instanceof DataDirectoryException || t instanceof InvalidConfigException) {
      return DATA_DIR;
    }
    if (t instanceof CorruptionException
        || t instanceof KiwiIOException
        || t instanceof WriteStallException
        || t instanceof BackgroundErrorException
        || t instanceof IOException
        || t instanceof UncheckedIOException) {
      return STORAGE;
    }
    if (t instanceof EngineClosedException) {
      return INTERNAL;
    }
    if (t instanceof KiwiException) {
      // Any other engine failure at open (a held LOCK, a failed recovery step) concerns the
      // data directory itself.
      return DATA_DIR;
    }
    if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
      return USAGE;
    }
    return INTERNAL;
  }

  /** The data directory cannot be used: missing, not a directory, or locked. */
  static final class DataDirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DataDirectoryException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
