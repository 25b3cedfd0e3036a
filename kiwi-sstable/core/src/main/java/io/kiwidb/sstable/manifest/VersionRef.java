package io.kiwidb.sstable.manifest;

import com.google.errorprone.annotations.concurrent.GuardedBy;

/**
 * A pinned {@link Version}: while it is open, none of the version's table files is deleted. Get one
 * from {@link VersionSet#acquire()} and close it when done, typically with try-with-resources (or
 * when the iterator that holds it is closed).
 *
 * <pre>{@code
 * try (VersionRef ref = versions.acquire()) {
 *   for (TableMeta t : ref.version().filesForKey(key)) { ... read t ... }
 * }
 * }</pre>
 *
 * <p>Thread safety: {@link #version()} may be called from any thread; {@link #close()} is
 * idempotent and thread-safe, so a second close never releases someone else's reference.
 */
public final class VersionRef implements AutoCloseable {
  private final VersionSet owner;
  private final Version version;

  @GuardedBy("this")
  private boolean closed;

  VersionRef(VersionSet owner, Version version) {
    this.owner = owner;
    this.version = version;
  }

  /**
   * The pinned version.
   *
   * @throws IllegalStateException after {@link #close()}: its files may be gone
   */
  public Version version() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("version reference already released");
      }
    }
    return version;
  }

  /** Releases the pin; the last release of a version deletes the files only it still held. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    owner.release(version);
  }
}
