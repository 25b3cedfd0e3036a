package io.kiwidb.api;

/**
 * A consistent, read-only view of the store at one sequence number, from {@link
 * StorageEngine#snapshot()}. Reads through a snapshot see every write acknowledged before it was
 * taken and none after. While it is open, compaction keeps the versions it can see; close it to let
 * them go.
 *
 * <p>Thread safety: a snapshot may be used by many threads at once. Closing is idempotent.
 */
public interface Snapshot extends AutoCloseable {
  /** The sequence number this snapshot reads at. */
  long sequence();

  /** Releases the snapshot. Reads through it afterwards fail with {@link EngineClosedException}. */
  @Override
  void close();
}
