package io.kiwidb.engine.read;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import java.util.ArrayList;
import java.util.List;

/** An {@link InternalIterator} over a list of entries, sorted on construction (test model). */
final class SortedListIterator implements InternalIterator {
  private final List<InternalEntry> entries;
  private int pos = -1;

  SortedListIterator(List<InternalEntry> entries) {
    this.entries = new ArrayList<>(entries);
    this.entries.sort((a, b) -> KeyOrder.compareInternal(a.key(), a.seq(), b.key(), b.seq()));
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
    while (pos < entries.size()
        && KeyOrder.compareInternal(entries.get(pos).key(), entries.get(pos).seq(), key, seq) < 0) {
      pos++;
    }
  }

  @Override
  public void next() {
    pos++;
  }

  @Override
  public void prev() {
    pos = pos - 1;
  }

  @Override
  public byte[] key() {
    return entries.get(pos).key();
  }

  @Override
  public long seq() {
    return entries.get(pos).seq();
  }

  @Override
  public EntryKind kind() {
    return entries.get(pos).kind();
  }

  @Override
  public byte[] value() {
    return entries.get(pos).value();
  }
}
