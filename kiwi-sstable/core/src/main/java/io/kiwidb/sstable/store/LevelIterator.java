package io.kiwidb.sstable.store;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.TableMeta;
import java.util.List;
import java.util.function.Function;

/**
 * Iterates one sorted level (L1 or deeper) as a single {@link InternalIterator}: the files do not
 * overlap, so their entries concatenate in key order, and only one file needs to be open at a time.
 * A compaction gives its merging iterator one of these per input level instead of one child per
 * file, which keeps its heap as small as the number of levels; scans do the same.
 *
 * <p>Files are opened lazily through {@code opener} (the table reader, pinned by the caller's
 * version) and closed as soon as the iterator moves to another file.
 *
 * <p>Invariants: {@code files} are sorted by smallest key and do not overlap, so every user key
 * lives in at most one file; while valid, {@code current} is the open iterator of {@code
 * files[index]} and is positioned on an entry.
 *
 * <p>Thread safety: none; one thread at a time.
 */
public final class LevelIterator implements InternalIterator {
  private final TableMeta[] files;
  private final Function<TableMeta, InternalIterator> opener;
  private int index = -1;
  private InternalIterator current;

  /**
   * Iterates {@code files}, which must be sorted by smallest key and must not overlap.
   *
   * @throws IllegalArgumentException if they are unsorted or overlap, naming the two files
   */
  public LevelIterator(List<TableMeta> files, Function<TableMeta, InternalIterator> opener) {
    this.files = files.toArray(new TableMeta[0]);
    this.opener = opener;
    for (int i = 1; i < this.files.length; i++) {
      if (KeyOrder.compareKeys(this.files[i - 1].largestKey(), this.files[i].smallestKey()) >= 0) {
        throw new IllegalArgumentException(
            "level files overlap or are unsorted: "
                + this.files[i - 1].fileNumber()
                + " and "
                + this.files[i].fileNumber());
      }
    }
  }

  @Override
  public boolean isValid() {
    return current != null && current.isValid();
  }

  @Override
  public void seekToFirst() {
    if (open(0)) {
      current.seekToFirst();
    }
    skipEmptyForward();
  }

  @Override
  public void seekToLast() {
    if (open(files.length - 1)) {
      current.seekToLast();
    }
    skipEmptyBackward();
  }

  @Override
  public void seek(byte[] key, long seq) {
    // The first file whose largest key is >= key is the only one that can hold key.
    int lo = 0;
    int hi = files.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files[mid].largestKey(), key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (open(lo)) {
      current.seek(key, seq);
    }
    skipEmptyForward();
  }

  @Override
  public void seekForPrev(byte[] key, long seq) {
    // The last file whose smallest key is <= key is the only one that can hold key.
    int lo = 0;
    int hi = files.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (KeyOrder.compareKeys(files[mid].smallestKey(), key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (open(lo - 1)) {
      current.seekForPrev(key, seq);
    }
    skipEmptyBackward();
  }

  @Override
  public void next() {
    requireValid();
    current.next();
    skipEmptyForward();
  }

  @Override
  public void prev() {
    requireValid();
    current.prev();
    skipEmptyBackward();
  }

  @Override
  public byte[] key() {
    requireValid();
    return current.key();
  }

  @Override
  public long seq() {
    requireValid();
    return current.seq();
  }

  @Override
  public EntryKind kind() {
    requireValid();
    return current.kind();
  }

  @Override
  public byte[] value() {
    requireValid();
    return current.value();
  }

  @Override
  public void close() {
    open(-1);
  }

  /** Moves to the first entry of the next files while the current one is exhausted. */
  private void skipEmptyForward() {
    while (current != null && !current.isValid()) {
      if (open(index + 1)) {
        current.seekToFirst();
      }
    }
  }

  /** Moves to the last entry of the previous files while the current one is exhausted. */
  private void skipEmptyBackward() {
    while (current != null && !current.isValid()) {
      if (open(index - 1)) {
        current.seekToLast();
      }
    }
  }

  /**
   * Makes file {@code i} the current one, closing the previous; out of range leaves none open.
   *
   * @return whether a file is now open
   */
  private boolean open(int i) {
    if (current != null && i == index) {
      return true;
    }
    if (current != null) {
      InternalIterator old = current;
      current = null;
      old.close();
    }
    index = i;
    if (i < 0 || i >= files.length) {
      return false;
    }
    current = opener.apply(files[i]);
    return true;
  }

  private void requireValid() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not positioned at an entry");
    }
  }
}
