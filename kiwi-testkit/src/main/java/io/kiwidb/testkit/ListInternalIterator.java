package io.kiwidb.testkit;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link InternalIterator} over a list of entries, sorted into internal order on construction:
 * the model source that merging and scanning iterators are tested against. Seeks use the
 * interface's default {@code seekForPrev}, so that default is exercised too. Accessors on an
 * unpositioned cursor throw, as a real iterator's may.
 *
 * <p>Tests may subclass it to watch or break one operation.
 *
 * <p>Thread safety: one thread at a time.
 */
public class ListInternalIterator implements InternalIterator {
  private final List<InternalEntry> entries;
  private int pos = -1;
  private boolean closed;

  /** Copies and sorts {@code entries}. */
  public ListInternalIterator(List<InternalEntry> entries) {
    this.entries = new ArrayList<>(entries);
    this.entries.sort(ListInternalIterator::compare);
  }

  /** Internal order: user key ascending, then sequence descending. */
  public static int compare(InternalEntry a, InternalEntry b) {
    return KeyOrder.compareInternal(a.key(), a.seq(), b.key(), b.seq());
  }

  @Override
  public boolean isValid() {
    return pos >= 0 && pos < entries.size();
  }

  @Override
  public void seekToFirst() {
    pos = 0;
  }

  @Override
  public void seekToLast() {
    pos = entries.size() - 1;
  }

  @Override
  public void seek(byte[] key, long seq) {
    pos = 0;
    while (pos < entries.size()) {
      InternalEntry e = entries.get(pos);
      if (KeyOrder.compareInternal(e.key(), e.seq(), key, seq) >= 0) {
        return;
      }
      pos++;
    }
  }

  @Override
  public void next() {
    check();
    pos++;
  }

  @Override
  public void prev() {
    check();
    pos--;
  }

  @Override
  public byte[] key() {
    check();
    return entries.get(pos).key();
  }

  @Override
  public long seq() {
    check();
    return entries.get(pos).seq();
  }

  @Override
  public EntryKind kind() {
    check();
    return entries.get(pos).kind();
  }

  @Override
  public byte[] value() {
    check();
    return entries.get(pos).value();
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  private void check() {
    if (!isValid()) {
      throw new IllegalStateException("not valid");
    }
  }
}
