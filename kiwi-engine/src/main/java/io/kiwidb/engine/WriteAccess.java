package io.kiwidb.engine;

import io.kiwidb.api.ReadOnlyEngineException;
import java.nio.file.Path;

/**
 * Whether the engine may write: read-write, or opened read-only ({@link
 * io.kiwidb.api.KiwiDb#openReadOnly}), in which case every write call is refused before it touches
 * anything.
 *
 * <p>Thread safety: immutable.
 */
final class WriteAccess {
  private final boolean readOnly;
  private final Path root;

  WriteAccess(boolean readOnly, Path root) {
    this.readOnly = readOnly;
    this.root = root;
  }

  static WriteAccess readWrite(Path root) {
    return new WriteAccess(false, root);
  }

  static WriteAccess readOnly(Path root) {
    return new WriteAccess(true, root);
  }

  boolean isReadOnly() {
    return readOnly;
  }

  /**
   * Refuses a write call on a read-only engine.
   *
   * @throws ReadOnlyEngineException naming the directory and the call, if read-only
   */
  void check(String call) {
    if (readOnly) {
      throw new ReadOnlyEngineException("engine at " + root, call);
    }
  }
}
