package io.kiwidb.memtable.heap;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;

/**
 * An iterator whose position is one {@link EntryNode}: the accessors read that node, so each
 * memtable only writes its own positioning (seek, next, prev).
 *
 * <p>Thread safety: one thread at a time, like every {@link InternalIterator}.
 */
public abstract class NodeCursor implements InternalIterator {
  /**
   * The node under the cursor.
   *
   * @throws java.util.NoSuchElementException when the cursor is not positioned at an entry
   */
  protected abstract EntryNode current();

  @Override
  public final byte[] key() {
    return current().key;
  }

  @Override
  public final long seq() {
    return current().seq;
  }

  @Override
  public final EntryKind kind() {
    return current().kind();
  }

  @Override
  public final byte[] value() {
    return current().value;
  }

  @Override
  public final InternalEntry entry() {
    return current().entry();
  }
}
