package io.kiwidb.bench.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline for the memtable benchmarks: the obvious memtable, a {@link ConcurrentSkipListMap}
 * keyed by a (user key, sequence) record in internal order, with an identity sentinel for
 * tombstones. Only {@code add}, {@code get}, {@code entryCount} and {@code sizeBytes} are meant to
 * be measured; the iterator is a minimal forward one.
 *
 * <p>Thread safety: fully concurrent (the JDK map allows concurrent writers).
 */
final class ConcurrentSkipListMemTable implements MemTable {
  /** Marks a tombstone; compared by identity, so an empty PUT value stays distinct. */
  private static final byte[] TOMBSTONE = new byte[0];

  private static final Comparator<InternalKey> ORDER =
      (a, b) -> KeyOrder.compareInternal(a.key, a.seq, b.key, b.seq);

  /** The wrapper key the JDK map needs: 24 bytes per entry on top of the map's own nodes. */
  record InternalKey(byte[] key, long seq) {}

  private final ConcurrentSkipListMap<InternalKey, byte[]> map = new ConcurrentSkipListMap<>(ORDER);
  private final AtomicLong bytes = new AtomicLong();

  @Override
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    map.put(new InternalKey(key, seq), kind == EntryKind.DELETE ? TOMBSTONE : value);
    bytes.addAndGet(key.length + (value == null ? 0 : value.length));
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    Map.Entry<InternalKey, byte[]> e = map.ceilingEntry(new InternalKey(key, readSeq));
    if (e == null || !Arrays.equals(e.getKey().key, key)) {
      return null;
    }
    byte[] v = e.getValue();
    return v == TOMBSTONE
        ? InternalEntry.delete(e.getKey().key, e.getKey().seq)
        : InternalEntry.put(e.getKey().key, e.getKey().seq, v);
  }

  @Override
  public InternalIterator iterator() {
    throw new UnsupportedOperationException("the baseline is only measured for add and get");
  }

  @Override
  public long entryCount() {
    return map.size();
  }

  @Override
  public long sizeBytes() {
    return bytes.get();
  }
}
