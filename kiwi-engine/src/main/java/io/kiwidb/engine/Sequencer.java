package io.kiwidb.engine;

/**
 * The engine's sequence numbers: the last one assigned to a write, and the last one visible to
 * reads. A commit leader assigns a group's numbers, makes the group durable and readable, and only
 * then publishes the group's last number; a read at the visible sequence therefore never sees a
 * partial group, nor a write the log does not hold.
 *
 * <p>Thread safety: {@link #assign} is called by the commit leader only (one at a time); {@link
 * #visible} may be read from any thread.
 *
 * <p>Invariants: {@code visible <= assigned}; both only grow.
 */
final class Sequencer {
  private long assigned;
  private volatile long visible;

  /**
   * @param lastSequence the last sequence number in use after recovery (the larger of the tables'
   *     and the log's)
   */
  Sequencer(long lastSequence) {
    this.assigned = lastSequence;
    this.visible = lastSequence;
  }

  /**
   * Assigns {@code count} numbers; commit leader only.
   *
   * @return the first of them
   */
  long assign(long count) {
    long first = assigned + 1;
    assigned += count;
    return first;
  }

  /** Makes everything up to {@code seq} visible; commit leader only. */
  void publish(long seq) {
    visible = seq;
  }

  /** The newest sequence number reads see. */
  long visible() {
    return visible;
  }
}
