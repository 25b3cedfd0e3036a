package io.kiwidb.kafka.streams;

import io.kiwidb.api.WriteBatch;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * Changelog records gathered for one engine write, newest value per key. The write is one atomic
 * {@link WriteBatch}, so no reader can see a version that a later record of the same batch
 * replaces: keeping only the newest per key gives the engine the same state with fewer memtable
 * inserts (a changelog written without Kafka's cache, or whose newest segment compaction has not
 * reached yet, holds many versions of a hot key). Deletes are kept as tombstones: an earlier batch
 * or a table may hold the key.
 *
 * <p>Thread safety: none; {@link KiwiKeyValueStore} guards it with its lock.
 */
final class RestoreBatch {
  /** Marks a delete. Compared by identity. */
  private static final byte[] TOMBSTONE = new byte[0];

  /** Per-entry overhead counted on top of key and value bytes (map node, wrapper, references). */
  static final long ENTRY_OVERHEAD = 80;

  private final Map<Bytes, byte[]> entries = new HashMap<>();
  private long bytes;
  private long records;

  /** Adds a put, or a delete when {@code value} is null, of a stored key. */
  void add(byte[] storedKey, byte[] value) {
    byte[] v = value == null ? TOMBSTONE : value;
    byte[] old = entries.put(Bytes.wrap(storedKey), v);
    if (old == null) {
      bytes += ENTRY_OVERHEAD + storedKey.length;
    } else {
      bytes -= old.length;
    }
    bytes += v.length;
    records++;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Distinct keys held. */
  int size() {
    return entries.size();
  }

  /** Records added since the last {@link #clear()}, duplicates included. */
  long records() {
    return records;
  }

  /** An estimate of the memory held. */
  long bytes() {
    return bytes;
  }

  /** The newest operation per key, as one engine batch. */
  WriteBatch toWriteBatch() {
    return addTo(new WriteBatch());
  }

  /** Adds the newest operation per key to {@code batch} and returns it. */
  WriteBatch addTo(WriteBatch batch) {
    for (Map.Entry<Bytes, byte[]> e : entries.entrySet()) {
      if (e.getValue() == TOMBSTONE) {
        batch.delete(e.getKey().get());
      } else {
        batch.put(e.getKey().get(), e.getValue());
      }
    }
    return batch;
  }

  void clear() {
    entries.clear();
    bytes = 0;
    records = 0;
  }
}
