package io.kiwidb.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's sequence numbers: the last one assigned to a write, and the last one visible to
 * reads. A commit leader assigns a group's numbers and makes the group readable (in the log and the
 * memtable); then the group's last number is published, by the leader for a group of unsynced
 * writes, or by the group's members once the log is durable through it. A read at the visible
 * sequence therefore never sees a partial group, nor a write the log does not hold.
 *
 * <p>Thread safety: {@link #assign} is called by the commit leader only (one at a time); {@link
 * #publish} and {@link #visible} from any thread. Publishing is a maximum: a late publish of an
 * older group (its members' fsync returned after a later group's) never moves visibility back.
 *
 * <p>Invariants: {@code visible <= assigned}; both only grow.
 */
final class Sequencer {
  private long assigned;
  private final AtomicLong visible;

  /**
   * @param lastSequence the last sequence number in use after recovery (the larger of the tables'
   *     and the log's)
   */
  Sequencer(long lastSequence) {
    this.assigned = lastSequence;
    this.visible = new AtomicLong(lastSequence);
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

  /** Makes everything up to {@code seq} visible (if it is not yet); any thread. */
  void publish(long seq) {
    long v = visible.get();
    while (seq > v && !visible.compareAndSet(v, seq)) {
      v = visible.get();
    }
  }

  /** The newest sequence number reads see. */
  long visible() {
    return visible.get();
  }
}
