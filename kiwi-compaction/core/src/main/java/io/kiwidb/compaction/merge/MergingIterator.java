package io.kiwidb.compaction.merge;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Merges several {@link InternalIterator}s into one, in internal key order, in both directions. The
 * compaction job merges its input tables with it; the engine merges memtables and levels for scans.
 * It shows every entry of every child (all versions, tombstones); hiding them is the caller's job.
 *
 * <p>Order: entries compare by internal key ({@link KeyOrder#compareInternal}) and, when two
 * children hold the very same {@code (key, seq)}, by child index, lower first. Callers list
 * children newest source first (memtable, then L0 newest first, then L1...), so a duplicate from a
 * newer source comes first, and the merged order is total, which keeps direction switches exact.
 *
 * <p>Design: a binary heap of child indices keyed by each child's current entry, a min-heap while
 * moving forward and a max-heap while moving backward. A step advances the top child and sifts it
 * down: O(log n) per entry. Switching direction is the delicate part (LevelDB's merging iterator
 * has the same shape): every child except the current one is re-positioned on the other side of the
 * current entry, by a seek and at most one step, and the heap is rebuilt: one seek per child per
 * switch.
 *
 * <p>Invariants: while valid, the top of the heap is the current child, every other valid child in
 * the heap sits strictly after (forward) or strictly before (backward) the current entry in the
 * total order above, and a child is in the heap iff it is valid.
 *
 * <p>Thread safety: none; one thread at a time, as for every {@link InternalIterator}. Closing it
 * closes the children.
 */
public final class MergingIterator implements InternalIterator {
  private final InternalIterator[] children;
  private final int[] heap;
  private int size;
  private boolean forward = true;

  /**
   * Merges {@code children}, newest source first. The list is copied; the children are owned by
   * this iterator from now on and closed with it.
   */
  public MergingIterator(List<? extends InternalIterator> children) {
    this.children = children.toArray(new InternalIterator[0]);
    for (int i = 0; i < this.children.length; i++) {
      if (this.children[i] == null) {
        throw new NullPointerException("child iterator " + i + " is null");
      }
    }
    this.heap = new int[this.children.length];
  }

  @Override
  public boolean isValid() {
    return size > 0;
  }

  @Override
  public void seekToFirst() {
    for (InternalIterator c : children) {
      c.seekToFirst();
    }
    rebuild(true);
  }

  @Override
  public void seekToLast() {
    for (InternalIterator c : children) {
      c.seekToLast();
    }
    rebuild(false);
  }

  @Override
  public void seek(byte[] key, long seq) {
    for (InternalIterator c : children) {
      c.seek(key, seq);
    }
    rebuild(true);
  }

  @Override
  public void seekForPrev(byte[] key, long seq) {
    for (InternalIterator c : children) {
      c.seekForPrev(key, seq);
    }
    rebuild(false);
  }

  @Override
  public void next() {
    requireValid();
    if (!forward) {
      turn(true);
    }
    advanceTop(true);
  }

  @Override
  public void prev() {
    requireValid();
    if (forward) {
      turn(false);
    }
    advanceTop(false);
  }

  @Override
  public byte[] key() {
    return current().key();
  }

  @Override
  public long seq() {
    return current().seq();
  }

  @Override
  public EntryKind kind() {
    return current().kind();
  }

  @Override
  public byte[] value() {
    return current().value();
  }

  /** Closes every child, even if one fails; the first failure is rethrown with the rest. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (InternalIterator c : children) {
      try {
        c.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    size = 0;
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "MergingIterator" + Arrays.toString(children);
  }

  private InternalIterator current() {
    requireValid();
    return children[heap[0]];
  }

  private void requireValid() {
    if (size == 0) {
      throw new IllegalStateException("iterator is not positioned at an entry");
    }
  }

  private void advanceTop(boolean fwd) {
    InternalIterator top = children[heap[0]];
    if (fwd) {
      top.next();
    } else {
      top.prev();
    }
    if (top.isValid()) {
      siftDown(0);
    } else {
      heap[0] = heap[--size];
      if (size > 0) {
        siftDown(0);
      }
    }
  }

  /**
   * Re-positions every child but the current one just past the current entry in the new direction,
   * then rebuilds the heap. The current child stays where it is and ends on top of the new heap.
   */
  private void turn(boolean toForward) {
    int cur = heap[0];
    byte[] key = children[cur].key();
    long seq = children[cur].seq();
    for (int i = 0; i < children.length; i++) {
      if (i == cur) {
        continue;
      }
      InternalIterator c = children[i];
      if (toForward) {
        c.seek(key, seq);
        // An equal (key, seq) in a lower-indexed child sorts before the current entry.
        if (c.isValid() && i < cur && KeyOrder.compareInternal(c.key(), c.seq(), key, seq) == 0) {
          c.next();
        }
      } else {
        c.seekForPrev(key, seq);
        // An equal (key, seq) in a higher-indexed child sorts after the current entry.
        if (c.isValid() && i > cur && KeyOrder.compareInternal(c.key(), c.seq(), key, seq) == 0) {
          c.prev();
        }
      }
    }
    rebuild(toForward);
  }

  private void rebuild(boolean fwd) {
    forward = fwd;
    size = 0;
    for (int i = 0; i < children.length; i++) {
      if (children[i].isValid()) {
        heap[size++] = i;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  private void siftDown(int pos) {
    int item = heap[pos];
    while (true) {
      int child = 2 * pos + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(heap[child + 1], heap[child])) {
        child++;
      }
      if (!before(heap[child], item)) {
        break;
      }
      heap[pos] = heap[child];
      pos = child;
    }
    heap[pos] = item;
  }

  /** Whether child {@code a} comes out of the heap before child {@code b} in this direction. */
  private boolean before(int a, int b) {
    InternalIterator x = children[a];
    InternalIterator y = children[b];
    int c = KeyOrder.compareInternal(x.key(), x.seq(), y.key(), y.seq());
    if (c == 0) {
      c = Integer.compare(a, b);
    }
    return forward ? c < 0 : c > 0;
  }
}
