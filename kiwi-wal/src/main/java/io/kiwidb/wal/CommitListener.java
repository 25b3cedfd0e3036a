package io.kiwidb.wal;

/**
 * Told about every batch once it is durable under the current {@link SyncMode}, in sequence order,
 * before its writer is released. The engine inserts the batch into its memtable here and publishes
 * the new visible sequence, so readers never see a batch that is not yet in the log, and see
 * batches in log order.
 *
 * <p>Thread safety: called on the group leader's thread, one call at a time (calls never overlap),
 * with the log's write lock held: an implementation must not call {@link WriteAheadLog#append}
 * (that would wait for itself). It may call {@link WriteAheadLog#rollSegment()}.
 */
@FunctionalInterface
public interface CommitListener {
  /** A listener that does nothing. */
  CommitListener NONE = (firstSeq, batch) -> {};

  /**
   * Applies one committed batch. Its operations carry sequence numbers {@code firstSeq} to {@code
   * firstSeq + batch.count() - 1}, in order. If this throws, the log enters its error state: this
   * batch's writer and every later one get an error, although the batch is in the log and will be
   * replayed after a restart.
   */
  void committed(long firstSeq, WalBatch batch);
}
