package io.kiwidb.cli;

import io.kiwidb.api.StorageEngine;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where the engine commands get their engine: the one-shot command line opens one per command and
 * closes it afterwards; the shell keeps one open for the whole session. Each command tree's root
 * object implements this, and commands find it through picocli's root command.
 */
interface EngineHost {
  /** What a command needs from the data directory. */
  enum Access {
    /** No engine of its own (tail-log follows an engine that is already running). */
    NONE,
    /** An existing store; a missing data directory is an error rather than a new empty store. */
    READ,
    /** A store that is created when the data directory does not exist yet. */
    WRITE
  }

  /** A command body run against an engine ({@code null} for {@link Access#NONE}). */
  @FunctionalInterface
  interface Action {
    int run(StorageEngine engine) throws Exception;
  }

  /**
   * Runs {@code action} with an engine and returns its exit code.
   *
   * @throws Exception whatever the action or the opening threw; the caller maps it to an exit code
   */
  int run(Access access, Action action) throws Exception;

  /** Whether output is JSON unless a command says otherwise. */
  default boolean defaultJson() {
    return false;
  }

  /** The key/value format unless a command says otherwise. */
  default ByteFormat defaultFormat() {
    return ByteFormat.UTF8;
  }

  /**
   * The log broadcast {@code tail-log} follows when given none: the shell's own engine's, or, on
   * the command line, that of the engine another process has open on the data directory.
   *
   * @return its port or socket, or {@link LogTarget#NONE} when that engine runs no broadcast
   */
  LogTarget followedLog() throws Exception;

  /** The data directory the commands work on ({@code info} shows it). */
  Path dataDirectory();

  /**
   * Where {@code put k -} reads its value, or {@code null} where there is none: the shell's own
   * standard input is its script or the terminal, so it cannot also be a value.
   */
  default InputStream standardInput() {
    return null;
  }

  /**
   * Registers what to do on Ctrl-C while a long-running command (tail-log) runs, or clears it with
   * {@code null}. The one-shot program lets Ctrl-C end the process instead.
   */
  default void onInterrupt(Runnable handler) {}
}
