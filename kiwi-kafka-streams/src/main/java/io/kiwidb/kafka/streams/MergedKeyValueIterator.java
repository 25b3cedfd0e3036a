package io.kiwidb.kafka.streams;

import io.kiwidb.api.KiwiIterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.internals.ManagedKeyValueIterator;

/**
 * A store iterator: the uncommitted writes of the store (copied when the iterator was created)
 * merged with a kiwi-db iterator over the committed state (a snapshot taken at the same moment), in
 * ascending or descending key order. Where both have a key, the uncommitted write wins; an
 * uncommitted delete hides the key.
 *
 * <p>The caller must close it (Kafka's {@code KeyValueIterator} contract). An iterator dropped
 * without closing is released by kiwi-db's cleaner and counted in {@code
 * EngineCounters.leakedIterators}; the store closes the ones still open when it closes.
 *
 * <p>It implements Kafka's internal {@code ManagedKeyValueIterator} (an {@code onClose} hook)
 * because Kafka's own adapter that serves a plain store under a timestamped {@code KTable} casts
 * range-query results to it.
 *
 * <p>Thread safety: for one thread at a time, like every Kafka Streams store iterator.
 */
final class MergedKeyValueIterator implements ManagedKeyValueIterator<Bytes, byte[]> {
  private final KiwiKeyValueStore store;
  private final List<Map.Entry<Bytes, byte[]>> pending;
  private final KiwiIterator committed;
  private final boolean forward;
  private int pendingIndex;
  private KeyValue<Bytes, byte[]> next;
  private boolean closed;
  private Runnable onClose;

  MergedKeyValueIterator(
      KiwiKeyValueStore store,
      List<Map.Entry<Bytes, byte[]>> pending,
      KiwiIterator committed,
      boolean forward) {
    this.store = store;
    this.pending = pending;
    this.committed = committed;
    this.forward = forward;
    if (forward) {
      committed.seekToFirst();
    } else {
      committed.seekToLast();
    }
  }

  @Override
  public boolean hasNext() {
    checkOpen();
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public KeyValue<Bytes, byte[]> next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries in kiwi store '" + store.name() + "'");
    }
    KeyValue<Bytes, byte[]> out = next;
    next = null;
    return out;
  }

  @Override
  public Bytes peekNextKey() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more entries in kiwi store '" + store.name() + "'");
    }
    return next.key;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      committed.close();
      store.iteratorClosed(this);
      if (onClose != null) {
        onClose.run();
      }
    }
  }

  @Override
  public void onClose(Runnable action) {
    this.onClose = action;
  }

  /** Closed by the store when the store closes under it. */
  void closeFromStore() {
    if (!closed) {
      closed = true;
      committed.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new InvalidStateStoreException(
          "iterator of kiwi store '" + store.name() + "' is closed" + store.closedSuffix());
    }
  }

  private KeyValue<Bytes, byte[]> advance() {
    while (true) {
      Map.Entry<Bytes, byte[]> buffered =
          pendingIndex < pending.size() ? pending.get(pendingIndex) : null;
      Bytes committedKey = committed.isValid() ? KeyCodec.userKey(committed.key()) : null;
      if (buffered == null && committedKey == null) {
        return null;
      }
      int order;
      if (buffered == null) {
        order = 1;
      } else if (committedKey == null) {
        order = -1;
      } else {
        order = buffered.getKey().compareTo(committedKey);
        if (!forward) {
          order = -order;
        }
      }
      if (order > 0) {
        KeyValue<Bytes, byte[]> kv = KeyValue.pair(committedKey, committed.value());
        step();
        return kv;
      }
      pendingIndex++;
      if (order == 0) {
        step();
      }
      if (buffered.getValue() != WriteBuffer.TOMBSTONE) {
        return KeyValue.pair(buffered.getKey(), buffered.getValue());
      }
    }
  }

  private void step() {
    if (forward) {
      committed.next();
    } else {
      committed.prev();
    }
  }
}
