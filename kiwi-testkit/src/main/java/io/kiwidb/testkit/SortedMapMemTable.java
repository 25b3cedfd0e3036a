package io.kiwidb.testkit;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reference {@link MemTable} on a {@link ConcurrentSkipListMap}: obviously correct, for tests of
 * the components around memtables (the memtable set, recovery's bulk loading) that must not depend
 * on an implementation module. It charges every entry {@link #ENTRY_OVERHEAD} bytes plus its key
 * and value, the same for {@link #add} and {@link #addSorted}, and says so through {@link
 * #sortedEntryBytes}.
 *
 * <p>Thread safety: as the SPI asks (one writer; readers concurrent with it). Iterators copy the
 * entries when created.
 */
public final class SortedMapMemTable implements MemTable {
  /** The bytes charged per entry on top of its key and value. */
  public static final long ENTRY_OVERHEAD = 64;

  /** The internal key order of {@link KeyOrder#compareInternal}. */
  private record Key(byte[] key, long seq) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return KeyOrder.compareInternal(key, seq, o.key, o.seq);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && compareTo(k) == 0;
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(key) * 31 + Long.hashCode(seq);
    }
  }

  private final ConcurrentSkipListMap<Key, InternalEntry> map = new ConcurrentSkipListMap<>();
  private final AtomicLong bytes = new AtomicLong();

  /** An empty memtable. */
  public SortedMapMemTable() {}

  /** A factory named {@code name} that creates these. */
  public static MemTableFactory factory(String name) {
    return new MemTableFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public MemTable create() {
        return new SortedMapMemTable();
      }
    };
  }

  @Override
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    if ((kind == EntryKind.DELETE) != (value == null)) {
      throw new IllegalArgumentException(kind + " with value " + (value == null ? "null" : "set"));
    }
    if (map.putIfAbsent(new Key(key, seq), new InternalEntry(key, seq, kind, value)) != null) {
      throw new IllegalArgumentException("duplicate sequence " + seq);
    }
    bytes.addAndGet(sortedEntryBytes(key, value));
  }

  @Override
  public long sortedEntryBytes(byte[] key, byte[] value) {
    return ENTRY_OVERHEAD + key.length + (value == null ? 0 : value.length);
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    Map.Entry<Key, InternalEntry> e = map.ceilingEntry(new Key(key, readSeq));
    return e != null && KeyOrder.compareKeys(e.getKey().key(), key) == 0 ? e.getValue() : null;
  }

  @Override
  public InternalIterator iterator() {
    return new ListInternalIterator(new ArrayList<>(map.values()));
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
