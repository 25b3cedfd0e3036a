package io.kiwidb.engine.read;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.EntryKind;
import io.kiwidb.api.KiwiIterator;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import java.util.NoSuchElementException;

/**
 * The user-facing iterator: turns an {@link InternalIterator} over every version of every key (a
 * merge of memtables and tables) into a cursor over live keys at one sequence number, within
 * bounds.
 *
 * <p>At read sequence {@code s}, the live value of a key is its newest version with {@code seq <=
 * s}, unless that version is a tombstone. Going forward, the internal iterator meets a key's
 * versions newest first, so the first visible one decides. Going backward it meets them oldest
 * first, so the iterator keeps the last visible version seen and decides when the key changes.
 *
 * <p>Invariants (LevelDB's DBIter is the model):
 *
 * <ul>
 *   <li>Forward: when valid, the internal iterator is on the entry that produced the current key
 *       and value.
 *   <li>Reverse: when valid, the internal iterator is on the last entry <em>before</em> every
 *       version of the current key (or exhausted), and the current key and value are saved copies.
 * </ul>
 *
 * <p>Thread safety: one thread at a time, like every iterator.
 */
public final class ScanIterator implements KiwiIterator {
  private enum Direction {
    FORWARD,
    REVERSE
  }

  /** Lets the iterator fail clearly once its engine or snapshot is gone. */
  public interface Liveness {
    /** Throws {@link EngineClosedException} when reads are no longer possible. */
    void check(String call);
  }

  private final InternalIterator internal;
  private final long readSeq;
  private final byte[] lower; // inclusive, or null
  private final byte[] upper; // exclusive, or null
  private final Liveness liveness;
  private final Runnable onClose;

  private Direction direction = Direction.FORWARD;
  private boolean valid;
  private byte[] savedKey;
  private byte[] savedValue;
  private boolean closed;

  /**
   * Creates an iterator. It starts unpositioned; call a seek method first.
   *
   * @param internal every version of every key, in internal order; owned (closed) by this
   * @param readSeq the sequence number to read at
   * @param lower the inclusive lower bound, or null
   * @param upper the exclusive upper bound, or null
   * @param liveness checked before every positioning call
   * @param onClose run once on close (releases pinned files)
   */
  public ScanIterator(
      InternalIterator internal,
      long readSeq,
      byte[] lower,
      byte[] upper,
      Liveness liveness,
      Runnable onClose) {
    this.internal = internal;
    this.readSeq = readSeq;
    this.lower = lower;
    this.upper = upper;
    this.liveness = liveness;
    this.onClose = onClose;
  }

  /**
   * The bounds of a scan with a prefix: {@code [max(lower, prefix), min(upper, successor))}.
   *
   * @return {@code {lower, upper}}, either may be null
   */
  public static byte[][] bounds(byte[] lower, byte[] upper, byte[] prefix) {
    if (prefix == null || prefix.length == 0) {
      return new byte[][] {lower, upper};
    }
    byte[] lo = lower == null || KeyOrder.compareKeys(prefix, lower) > 0 ? prefix : lower;
    byte[] successor = prefixSuccessor(prefix);
    byte[] hi =
        successor == null
            ? upper
            : upper == null || KeyOrder.compareKeys(successor, upper) < 0 ? successor : upper;
    return new byte[][] {lo, hi};
  }

  /** The smallest key greater than every key with this prefix, or null if there is none. */
  static byte[] prefixSuccessor(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] s = java.util.Arrays.copyOf(prefix, i + 1);
        s[i]++;
        return s;
      }
    }
    return null;
  }

  private void checkUsable(String call) {
    if (closed) {
      throw new EngineClosedException("iterator", call);
    }
    liveness.check(call);
  }

  @Override
  public boolean isValid() {
    return valid;
  }

  @Override
  public void seekToFirst() {
    checkUsable("seekToFirst");
    direction = Direction.FORWARD;
    if (lower != null) {
      internal.seek(lower, KeyOrder.MAX_SEQUENCE);
    } else {
      internal.seekToFirst();
    }
    findNextUserEntry(null);
  }

  @Override
  public void seekToLast() {
    checkUsable("seekToLast");
    direction = Direction.REVERSE;
    if (upper != null) {
      // The last entry below the upper bound: seek to the bound, then step back once.
      internal.seek(upper, KeyOrder.MAX_SEQUENCE);
      if (internal.isValid()) {
        internal.prev();
      } else {
        internal.seekToLast();
      }
    } else {
      internal.seekToLast();
    }
    findPrevUserEntry();
  }

  @Override
  public void seek(byte[] target) {
    checkUsable("seek");
    direction = Direction.FORWARD;
    byte[] t = lower != null && KeyOrder.compareKeys(target, lower) < 0 ? lower : target;
    internal.seek(t, readSeq);
    findNextUserEntry(null);
  }

  @Override
  public void seekForPrev(byte[] target) {
    checkUsable("seekForPrev");
    if (upper != null && KeyOrder.compareKeys(target, upper) >= 0) {
      seekToLast();
      return;
    }
    direction = Direction.REVERSE;
    // Sequence 0 is never assigned, so (target, 0) sorts after every version of target.
    internal.seekForPrev(target, 0);
    findPrevUserEntry();
  }

  @Override
  public void next() {
    checkUsable("next");
    requireValid();
    if (direction == Direction.REVERSE) {
      // The internal iterator is before the current key's versions: step onto them.
      direction = Direction.FORWARD;
      if (internal.isValid()) {
        internal.next();
      } else {
        internal.seekToFirst();
      }
    }
    // Skip the rest of the current key's versions.
    findNextUserEntry(savedKey);
  }

  @Override
  public void prev() {
    checkUsable("prev");
    requireValid();
    if (direction == Direction.FORWARD) {
      // Move the internal iterator before every version of the current key.
      byte[] current = savedKey;
      do {
        internal.prev();
      } while (internal.isValid() && KeyOrder.compareKeys(internal.key(), current) >= 0);
      direction = Direction.REVERSE;
    }
    findPrevUserEntry();
  }

  /**
   * Forward: moves to the first visible, live entry at or after the internal position whose key is
   * not {@code skip}.
   */
  private void findNextUserEntry(byte[] skip) {
    byte[] skipKey = skip;
    while (internal.isValid()) {
      byte[] key = internal.key();
      if (upper != null && KeyOrder.compareKeys(key, upper) >= 0) {
        break;
      }
      if (internal.seq() <= readSeq
          && (skipKey == null || KeyOrder.compareKeys(key, skipKey) > 0)) {
        if (internal.kind() == EntryKind.DELETE) {
          skipKey = key; // every older version of this key is hidden by the tombstone
        } else {
          valid = true;
          savedKey = key;
          savedValue = internal.value();
          return;
        }
      }
      internal.next();
    }
    valid = false;
    savedKey = null;
    savedValue = null;
  }

  /**
   * Reverse: scans backward from the internal position; the newest visible version of a key is the
   * last one met before the key changes.
   */
  private void findPrevUserEntry() {
    EntryKind lastKind = EntryKind.DELETE;
    savedKey = null;
    savedValue = null;
    while (internal.isValid()) {
      byte[] key = internal.key();
      if (lower != null && KeyOrder.compareKeys(key, lower) < 0) {
        break;
      }
      if (internal.seq() <= readSeq) {
        if (lastKind != EntryKind.DELETE && KeyOrder.compareKeys(key, savedKey) < 0) {
          break; // we have passed every version of savedKey; its newest visible one is a value
        }
        lastKind = internal.kind();
        savedKey = key;
        savedValue = lastKind == EntryKind.PUT ? internal.value() : null;
      }
      internal.prev();
    }
    valid = lastKind == EntryKind.PUT;
    if (!valid) {
      savedKey = null;
      savedValue = null;
    }
  }

  private void requireValid() {
    if (!valid) {
      throw new NoSuchElementException("iterator is not positioned at an entry");
    }
  }

  @Override
  public byte[] key() {
    requireValid();
    return savedKey.clone();
  }

  @Override
  public byte[] value() {
    requireValid();
    return savedValue.clone();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    valid = false;
    try {
      internal.close();
    } finally {
      onClose.run();
    }
  }
}
