package io.kiwidb.memtable;

import io.kiwidb.api.WriteBatch;
import java.util.List;

/**
 * A write batch with the sequence numbers the engine gave it: its operations get {@code firstSeq},
 * {@code firstSeq + 1}, and so on, in order.
 *
 * @param firstSeq the first operation's sequence number
 * @param operations the puts and deletes (a {@code null} value marks a delete); the arrays are
 *     retained by the memtable, not copied
 */
public record SequencedBatch(long firstSeq, List<WriteBatch.Operation> operations) {
  /** Copies the list. */
  public SequencedBatch {
    operations = List.copyOf(operations);
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one operation");
    }
  }

  /** The last operation's sequence number. */
  public long lastSeq() {
    return firstSeq + operations.size() - 1;
  }
}
