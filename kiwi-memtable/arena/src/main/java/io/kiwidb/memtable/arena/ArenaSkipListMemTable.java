package io.kiwidb.memtable.arena;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.Limits;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.memtable.heap.HeapLayout;
import io.kiwidb.memtable.heap.TowerHeights;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A skip list kept in two arenas of large arrays, written by one thread and read by any number of
 * threads without locks: an <em>index</em> of {@code int[]} chunks holding each node's links, key
 * prefix and sequence, and a <em>payload</em> of {@code byte[]} chunks holding the rest of each key
 * and the value. The list discipline is {@code skiplist}'s (LevelDB's {@code skiplist.h}); what
 * differs is where a node lives.
 *
 * <p>Why arenas: the object-per-node list spends about 80 bytes of every entry on object headers,
 * array headers, padding and references (195.5 bytes retained for a 16-byte key and a 100-byte
 * value). The engine freezes a memtable when its retained bytes reach {@code max_memtable_size_mb},
 * so that overhead makes every flushed table smaller, and leveled compaction then runs more
 * L0-to-base merges for the same data (docs/compaction.md). Here the same entry costs about 135
 * bytes: 19 bytes of structure beyond the key and value bytes. A 64 MiB memtable is about a hundred
 * arrays instead of a million objects, which the garbage collector neither traces nor copies one by
 * one.
 *
 * <p>Why two arenas: links need acquire and release access, which {@link
 * MethodHandles#arrayElementVarHandle} gives on the elements of an {@code int[]} on every JDK,
 * while JDK 22+ refuses those modes on a view of a {@code byte[]}. Payload bytes need no such
 * access: they are written before the release store that links their node, so a reader that
 * acquired the link sees them with plain reads, and {@code System.arraycopy} moves them in and out.
 * Links are 32-bit pointers, so a tower costs 4 bytes per level; the first 8 key bytes sit in the
 * index node so that a search step compares them without touching the payload.
 *
 * <p><b>Index node</b> at pointer {@code p} (chunk {@code p >>> 18}, element {@code p & 0x3ffff}):
 * the tower of links just before it, level {@code i} at element {@code p - 1 - i}, each a node
 * pointer (0 = none); then {@code p + 0..1} the key's first 8 bytes as an unsigned big-endian
 * number, zero-padded (high int first); {@code p + 2..3} {@code seq << 8 | height} (high int
 * first); {@code p + 4} the payload pointer. A node of height {@code h} is {@code h + 5} ints.
 *
 * <p><b>Payload record</b>: the key length and then the value length plus one (0 = tombstone), each
 * an unsigned LEB128 varint; the key bytes after the first 8; the value bytes. A payload pointer
 * {@code q >= 0} is chunk {@code q >>> 20}, offset {@code q & 0xfffff}; a record larger than an
 * eighth of a chunk gets an array of its own, and {@code q = ~i} for its slot {@code i} in the
 * large-record table. With 16-byte keys and 100-byte values a record is 110 bytes.
 *
 * <p>Chunks start at 8 KiB, so tiny memtables stay tiny, and double up to just under 1 MiB (sized
 * so that, where G1 treats it as humongous, a chunk and its header fill exactly one 1 MiB region).
 * {@link #sizeBytes} charges each node its ints, each record its bytes (a large one its array), and
 * chunk-table growth; the unused tail of each index and payload chunk (under 1/8 of it, or the
 * current chunk's rest) is not charged.
 *
 * <p><b>Reach of 32-bit pointers.</b> Payload pointers reach 2048 chunks (2 GiB); past them,
 * records go on in arrays of their own, so the payload never refuses an entry. Index pointers reach
 * 8192 chunks, 8 GiB of nodes, which only a memtable of more than 8 GiB fills (a node is at most
 * its entry's charge). The engine freezes an arena memtable at {@code max_memtable_size_mb}, which
 * it keeps at or below {@link ArenaSkipListMemTableFactory#MAX_MEMTABLE_SIZE_BYTES} (1 GiB),
 * leaving 7 GiB for the batches that land after that and before the freeze. Past the index's reach
 * {@link #add} throws {@link IllegalStateException} and links nothing.
 *
 * <p>Thread safety: {@link #add} and {@link #addSorted} must be called by one thread at a time, and
 * successive callers must be ordered by a happens-before edge (the engine's write lock). Reads may
 * run on any thread at any time. A node's index ints and payload bytes, and a new chunk's slot in a
 * chunk table, are written before a release store of a link makes the node reachable; the chunk
 * tables themselves are published with release stores and read with acquire loads, so a reader that
 * sees a grown table sees every slot copied into it. Nodes are never removed or moved.
 *
 * <p>Invariants: at every level the list is sorted by {@link KeyOrder#compareInternal} with no two
 * nodes equal; a node reachable at level {@code i > 0} is reachable at level {@code i - 1}; {@code
 * maxHeight}, {@code count} and {@code size} only grow; chunks are never replaced or shrunk.
 */
final class ArenaSkipListMemTable implements MemTable {
  static final int MAX_HEIGHT = TowerHeights.MAX_HEIGHT;

  /** 8 KiB. */
  static final int FIRST_CHUNK_BYTES = 8 << 10;

  /** 1 MiB less a 16-byte array header, so a humongous chunk fits one 1 MiB G1 region. */
  static final int CHUNK_BYTES = (1 << 20) - 16;

  private static final int INDEX_SHIFT = 18;
  private static final int INDEX_MASK = (1 << INDEX_SHIFT) - 1;
  static final int MAX_INDEX_CHUNKS = 1 << (31 - INDEX_SHIFT);

  private static final int PAYLOAD_SHIFT = 20;
  private static final int PAYLOAD_MASK = (1 << PAYLOAD_SHIFT) - 1;
  static final int MAX_PAYLOAD_CHUNKS = 1 << (31 - PAYLOAD_SHIFT);

  /** Int offsets from a node's pointer. */
  private static final int PREFIX = 0;

  private static final int TAG = 2;
  private static final int PAYLOAD = 4;
  private static final int NODE_INTS = 5;

  private static final VarHandle INT = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final HeapLayout LAYOUT = HeapLayout.CURRENT;

  /** 4 x the expected height with p = 1/4: the link bytes an entry costs on average. */
  private static final long EXPECTED_LINK_BYTES = Math.round(TowerHeights.expected(h -> 4L * h));

  private static final VarHandle MAX_HEIGHT_VH;
  private static final VarHandle COUNT;
  private static final VarHandle SIZE;
  private static final VarHandle INDEX_TABLE;
  private static final VarHandle PAYLOAD_TABLE;
  private static final VarHandle LARGE_TABLE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      Class<ArenaSkipListMemTable> c = ArenaSkipListMemTable.class;
      MAX_HEIGHT_VH = l.findVarHandle(c, "maxHeight", int.class);
      COUNT = l.findVarHandle(c, "count", long.class);
      SIZE = l.findVarHandle(c, "size", long.class);
      INDEX_TABLE = l.findVarHandle(c, "index", int[][].class);
      PAYLOAD_TABLE = l.findVarHandle(c, "payload", byte[][].class);
      LARGE_TABLE = l.findVarHandle(c, "large", byte[][].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Chunk tables: replaced (grown) only by the writer, with release stores; readers load them with
  // acquire after the acquire load that gave them a pointer.
  @SuppressWarnings("unused")
  private int[][] index;

  @SuppressWarnings("unused")
  private byte[][] payload;

  @SuppressWarnings("unused")
  private byte[][] large;

  private final int head;

  // Written by the writer with release stores, read by readers with acquire/opaque loads.
  @SuppressWarnings("unused")
  private int maxHeight = 1;

  @SuppressWarnings("unused")
  private long count;

  @SuppressWarnings("unused")
  private long size;

  // Writer-only state.
  private final int[] splice = new int[MAX_HEIGHT];
  private final TowerHeights heights;
  private final int maxIndexInts;
  private final int maxPayloadBytes;
  private final int largeRecordBytes;
  private int indexCount;
  private int indexCurrent;
  private int indexPosition;
  private int nextIndexInts;
  private int payloadCount;
  private int payloadCurrent;
  private int payloadPosition;
  private int nextPayloadBytes;
  private int largeCount;

  /** Bytes charged so far; the writer turns differences into {@code size}. */
  private long charged;

  /** Creates an empty memtable. */
  ArenaSkipListMemTable() {
    this(System.nanoTime());
  }

  /** Creates an empty memtable whose node heights come from {@code seed} (for tests). */
  ArenaSkipListMemTable(long seed) {
    this(seed, FIRST_CHUNK_BYTES, CHUNK_BYTES, 16);
  }

  /**
   * For tests: chunks of {@code firstChunkBytes} doubling up to {@code maxChunkBytes} (both
   * arenas), records above an eighth of that in arrays of their own, and chunk tables of {@code
   * tableSlots} to start with. Tiny values make nearly every node open new chunks and the tables
   * grow often, so that concurrency tests interleave readers with both.
   */
  ArenaSkipListMemTable(long seed, int firstChunkBytes, int maxChunkBytes, int tableSlots) {
    if (firstChunkBytes < 8 || maxChunkBytes < firstChunkBytes || maxChunkBytes > CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "chunk sizes " + firstChunkBytes + ".." + maxChunkBytes + " outside 8.." + CHUNK_BYTES);
    }
    this.heights = new TowerHeights(seed);
    this.maxIndexInts = maxChunkBytes / 4;
    this.maxPayloadBytes = maxChunkBytes;
    this.largeRecordBytes = maxChunkBytes / 8;
    int[][] indexTable = new int[tableSlots][];
    byte[][] payloadTable = new byte[tableSlots][];
    INDEX_TABLE.setRelease(this, indexTable);
    PAYLOAD_TABLE.setRelease(this, payloadTable);
    LARGE_TABLE.setRelease(this, new byte[0][]);
    indexCurrent = newIndexChunk(Math.max(firstChunkBytes / 4, MAX_HEIGHT + NODE_INTS));
    nextIndexInts = Math.min(maxIndexInts, firstChunkBytes / 2);
    payloadCurrent = newPayloadChunk(firstChunkBytes);
    nextPayloadBytes = Math.min(maxPayloadBytes, firstChunkBytes * 2);
    this.head = writeNode(new byte[0], 0, null, MAX_HEIGHT);
    // This object, the splice, the three tables and the head node (charged by writeNode).
    long fixed =
        LAYOUT.instance(5, 3, 14, 0)
            + LAYOUT.byteArray(4 * MAX_HEIGHT)
            + 2 * LAYOUT.referenceArray(tableSlots)
            + LAYOUT.referenceArray(0);
    SIZE.setRelease(this, fixed + charged);
  }

  @Override
  public void add(byte[] key, long seq, EntryKind kind, byte[] value) {
    if (key == null || kind == null) {
      throw new NullPointerException("key and kind must not be null");
    }
    if ((kind == EntryKind.PUT) != (value != null)) {
      throw new IllegalArgumentException(
          kind + " entry must " + (kind == EntryKind.PUT ? "have" : "not have") + " a value");
    }
    checkKeyLength(key);
    KeyOrder.checkSequence(seq);
    int[] prev = splice;
    int found = findGreaterOrEqual(key, seq, prev);
    if (found != 0 && seqOf(found) == seq && keyEquals(found, key)) {
      throw new IllegalArgumentException("sequence " + seq + " is already in this memtable");
    }
    int height = heights.next();
    long before = charged;
    // Allocates before anything is linked: if an arena is full, nothing has changed but the
    // charge for a record no node points to.
    int node = writeNode(key, seq, value, height);
    int top = (int) MAX_HEIGHT_VH.getOpaque(this);
    if (height > top) {
      for (int i = top; i < height; i++) {
        prev[i] = head;
      }
      // A reader that sees the new height first finds no links at the new levels of the head and
      // drops a level; nothing to order.
      MAX_HEIGHT_VH.setOpaque(this, height);
    }
    // The node is private until the release stores below, so its own links are plain writes.
    for (int i = 0; i < height; i++) {
      setLinkPlain(node, i, linkPlain(prev[i], i));
    }
    for (int i = 0; i < height; i++) {
      publishLink(prev[i], i, node);
    }
    SIZE.setRelease(this, (long) SIZE.get(this) + (charged - before));
    COUNT.setRelease(this, (long) COUNT.get(this) + 1);
  }

  /**
   * Builds the list from sorted input in one pass when it is empty, like {@code skiplist}: heights
   * follow the position (1 + t levels where 4^t is the largest power of four dividing the 1-based
   * position), the chain is built privately and published at the end, level 0 first. A non-empty
   * list falls back to one {@link #add} per entry.
   */
  @Override
  public void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    if ((long) COUNT.get(this) != 0) {
      MemTable.super.addSorted(keys, seqs, values, count);
      return;
    }
    MemTable.checkSorted(keys, seqs, values, count);
    for (int i = 0; i < count; i++) {
      checkKeyLength(keys[i]);
    }
    if (count == 0) {
      return;
    }
    int[] bySequence = sequenceOrder(seqs, count);
    // Records first, in sequence order: recovery decoded the entries, and allocated their arrays,
    // in log order, which is sequence order. Copying them in key order instead would read each
    // key and value array at a random place in the heap; in sequence order the reads stream.
    int[] records = new int[count];
    long[] prefixes = new long[count];
    long bytes = 0;
    for (int k = 0; k < count; k++) {
      int i = bySequence == null ? k : bySequence[k];
      records[i] = writeRecord(keys[i], values[i]);
      prefixes[i] = prefix(keys[i]);
      bytes += sortedEntryBytes(keys[i], values[i]);
    }
    int[] first = new int[MAX_HEIGHT];
    int[] last = new int[MAX_HEIGHT];
    int top = 1;
    for (int i = 0; i < count; i++) {
      int height = TowerHeights.forPosition(i);
      int node = writeIndexNode(prefixes[i], seqs[i], records[i], height);
      for (int level = 0; level < height; level++) {
        if (last[level] == 0) {
          first[level] = node;
        } else {
          setLinkPlain(last[level], level, node);
        }
        last[level] = node;
      }
      top = Math.max(top, height);
    }
    for (int level = 0; level < top; level++) {
      publishLink(head, level, first[level]);
    }
    MAX_HEIGHT_VH.setOpaque(this, Math.max(top, (int) MAX_HEIGHT_VH.getOpaque(this)));
    SIZE.setRelease(this, (long) SIZE.get(this) + bytes);
    COUNT.setRelease(this, (long) count);
  }

  /**
   * The input positions in ascending sequence order, found by placing each at its sequence's offset
   * from the smallest (one linear pass, as recovery's sequences are nearly contiguous), or null
   * when the sequences are too sparse for that to pay or not unique (the memtable contract forbids
   * that, and a shared slot must not lose an entry), and key order is used as it is.
   */
  private static int[] sequenceOrder(long[] seqs, int count) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      min = Math.min(min, seqs[i]);
      max = Math.max(max, seqs[i]);
    }
    if (max - min >= 2L * count) {
      return null;
    }
    int[] slots = new int[(int) (max - min + 1)]; // position + 1; 0 = no entry at that sequence
    for (int i = 0; i < count; i++) {
      int slot = (int) (seqs[i] - min);
      if (slots[slot] != 0) {
        return null;
      }
      slots[slot] = i + 1;
    }
    int[] order = new int[count];
    int k = 0;
    for (int slot : slots) {
      if (slot != 0) {
        order[k++] = slot - 1;
      }
    }
    return order;
  }

  /**
   * The node's ints at the expected height (a bulk-loaded list's heights follow the expected
   * proportions exactly), rounded, and the record's bytes: what {@link #add} charges on average for
   * the same entry.
   */
  @Override
  public long sortedEntryBytes(byte[] key, byte[] value) {
    int record = recordBytes(key.length, value);
    return EXPECTED_LINK_BYTES
        + 4L * NODE_INTS
        + (record > largeRecordBytes ? LAYOUT.byteArray(record) : record);
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    int n = findGreaterOrEqual(key, readSeq, null);
    if (n != 0 && keyEquals(n, key)) {
      byte[] value = copyValue(n);
      return new InternalEntry(
          key.clone(), seqOf(n), value == null ? EntryKind.DELETE : EntryKind.PUT, value);
    }
    return null;
  }

  @Override
  public InternalIterator iterator() {
    return new Cursor();
  }

  @Override
  public long entryCount() {
    return (long) COUNT.getAcquire(this);
  }

  @Override
  public long sizeBytes() {
    return (long) SIZE.getAcquire(this);
  }

  // ---- writing (writer only) --------------------------------------------------------------------

  private static void checkKeyLength(byte[] key) {
    if (key.length > Limits.MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key is " + key.length + " bytes: the limit is " + Limits.MAX_KEY_BYTES + " bytes");
    }
  }

  /** The payload record's size: two varints, the key after its first 8 bytes, the value. */
  private static int recordBytes(int keyLength, byte[] value) {
    int valueField = value == null ? 0 : value.length + 1;
    return varintBytes(keyLength)
        + varintBytes(valueField)
        + Math.max(0, keyLength - 8)
        + (value == null ? 0 : value.length);
  }

  /** Writes a node and its record, and returns the node's pointer; its links are left 0. */
  private int writeNode(byte[] key, long seq, byte[] value, int height) {
    int record = writeRecord(key, value);
    return writeIndexNode(prefix(key), seq, record, height);
  }

  /** Writes an index node for a written record and returns its pointer; its links are left 0. */
  private int writeIndexNode(long prefix, long seq, int record, int height) {
    int start = allocateIndex(height + NODE_INTS);
    int[] c = indexTable()[start >>> INDEX_SHIFT];
    int p = (start & INDEX_MASK) + height;
    putLong(c, p + PREFIX, prefix);
    putLong(c, p + TAG, seq << 8 | height);
    c[p + PAYLOAD] = record;
    return start + height;
  }

  /** Writes the payload record of an entry and returns its payload pointer. */
  private int writeRecord(byte[] key, byte[] value) {
    int bytes = recordBytes(key.length, value);
    byte[] b;
    int off;
    int pointer;
    boolean fits = payloadPosition + bytes <= payloadTable()[payloadCurrent].length;
    if (bytes > largeRecordBytes || (!fits && payloadCount == MAX_PAYLOAD_CHUNKS)) {
      // Past the payload pointers' reach, records go on in arrays of their own: less dense, but
      // an add must not fail once the engine has logged the write.
      int slot = newLargeRecord(bytes);
      b = largeTable()[slot];
      off = 0;
      pointer = ~slot;
    } else {
      if (!fits) {
        // A record of up to the large-record threshold may not fit the small early chunks.
        payloadCurrent = newPayloadChunk(Math.max(nextPayloadBytes, bytes));
        payloadPosition = 0;
        nextPayloadBytes = Math.min(maxPayloadBytes, nextPayloadBytes * 2);
      }
      b = payloadTable()[payloadCurrent];
      off = payloadPosition;
      pointer = payloadCurrent << PAYLOAD_SHIFT | off;
      payloadPosition += bytes;
      charged += bytes;
    }
    off = putVarint(b, off, key.length);
    off = putVarint(b, off, value == null ? 0 : value.length + 1);
    if (key.length > 8) {
      System.arraycopy(key, 8, b, off, key.length - 8);
      off += key.length - 8;
    }
    if (value != null) {
      System.arraycopy(value, 0, b, off, value.length);
    }
    return pointer;
  }

  /** Reserves {@code ints} index ints, charges them and returns the first one's pointer. */
  private int allocateIndex(int ints) {
    if (indexPosition + ints > indexTable()[indexCurrent].length) {
      // A tall node may not fit the small early chunks of a test's arena.
      indexCurrent = newIndexChunk(Math.max(nextIndexInts, ints));
      indexPosition = 0;
      nextIndexInts = Math.min(maxIndexInts, nextIndexInts * 2);
    }
    int start = indexCurrent << INDEX_SHIFT | indexPosition;
    indexPosition += ints;
    charged += 4L * ints;
    return start;
  }

  private int newIndexChunk(int ints) {
    if (indexCount == MAX_INDEX_CHUNKS) {
      throw new IllegalStateException(
          "arena memtable is full: all "
              + MAX_INDEX_CHUNKS
              + " index chunks (8 GiB) are in use, the reach of its 32-bit pointers; freeze it"
              + " before adding more (the engine freezes at max_memtable_size_mb, at most "
              + (ArenaSkipListMemTableFactory.MAX_MEMTABLE_SIZE_BYTES >> 20)
              + " MiB for this kind)");
    }
    int[][] table = withRoom(indexTable(), indexCount, MAX_INDEX_CHUNKS);
    table[indexCount] = new int[ints];
    INDEX_TABLE.setRelease(this, table);
    return indexCount++;
  }

  private int newPayloadChunk(int bytes) {
    byte[][] table = withRoom(payloadTable(), payloadCount, MAX_PAYLOAD_CHUNKS);
    table[payloadCount] = new byte[bytes];
    PAYLOAD_TABLE.setRelease(this, table);
    return payloadCount++;
  }

  private int newLargeRecord(int bytes) {
    byte[][] table = withRoom(largeTable(), largeCount, Integer.MAX_VALUE - 8);
    table[largeCount] = new byte[bytes];
    charged += LAYOUT.byteArray(bytes);
    LARGE_TABLE.setRelease(this, table);
    return largeCount++;
  }

  /**
   * {@code table} when it has a free slot after the {@code used} ones, else a copy with twice the
   * slots (at least 4, at most {@code limit}), its growth charged. Readers holding the old table
   * still find every slot they can have a pointer into; the caller publishes the new one.
   */
  private <T> T[] withRoom(T[] table, int used, int limit) {
    if (used < table.length) {
      return table;
    }
    T[] grown = Arrays.copyOf(table, (int) Math.min(limit, Math.max(4L, 2L * used)));
    charged += LAYOUT.referenceArray(grown.length) - LAYOUT.referenceArray(table.length);
    return grown;
  }

  private static int varintBytes(int v) {
    return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
  }

  private static int putVarint(byte[] b, int off, int v) {
    while ((v & ~0x7f) != 0) {
      b[off++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    b[off++] = (byte) v;
    return off;
  }

  // ---- reading (any thread) ---------------------------------------------------------------------

  private int[][] indexTable() {
    return (int[][]) INDEX_TABLE.getAcquire(this);
  }

  private byte[][] payloadTable() {
    return (byte[][]) PAYLOAD_TABLE.getAcquire(this);
  }

  private byte[][] largeTable() {
    return (byte[][]) LARGE_TABLE.getAcquire(this);
  }

  private int[] chunk(int node) {
    return indexTable()[node >>> INDEX_SHIFT];
  }

  private long seqOf(int node) {
    return longAt(chunk(node), (node & INDEX_MASK) + TAG) >>> 8;
  }

  private int linkAcquire(int node, int level) {
    return (int) INT.getAcquire(chunk(node), (node & INDEX_MASK) - 1 - level);
  }

  private int linkPlain(int node, int level) {
    return chunk(node)[(node & INDEX_MASK) - 1 - level];
  }

  private void setLinkPlain(int node, int level, int target) {
    chunk(node)[(node & INDEX_MASK) - 1 - level] = target;
  }

  private void publishLink(int node, int level, int target) {
    INT.setRelease(chunk(node), (node & INDEX_MASK) - 1 - level, target);
  }

  /**
   * A node's payload record, parsed: the array and offsets of the key's tail and the value, for
   * copying an entry out.
   */
  private final class ParsedRecord {
    byte[] bytes;
    int keyLength;
    int keyTail; // offset of key byte 8
    int valueField; // value length + 1, 0 = tombstone
    int valueStart;

    ParsedRecord(int node) {
      int q = chunk(node)[(node & INDEX_MASK) + PAYLOAD];
      bytes = recordArray(q);
      long k = varint(bytes, recordOffset(q));
      long v = varint(bytes, (int) (k >>> 32));
      keyLength = (int) k;
      valueField = (int) v;
      keyTail = (int) (v >>> 32);
      valueStart = keyTail + Math.max(0, keyLength - 8);
    }
  }

  private byte[] recordArray(int q) {
    return q >= 0 ? payloadTable()[q >>> PAYLOAD_SHIFT] : largeTable()[~q];
  }

  private static int recordOffset(int q) {
    return q >= 0 ? q & PAYLOAD_MASK : 0;
  }

  /** Reads a varint at {@code off}: the offset after it in the high 32 bits, the value low. */
  private static long varint(byte[] b, int off) {
    int v = 0;
    int shift = 0;
    int x;
    do {
      x = b[off++];
      v |= (x & 0x7f) << shift;
      shift += 7;
    } while (x < 0);
    return (long) off << 32 | (v & 0xffffffffL);
  }

  /** The long held in ints {@code i} (high half) and {@code i + 1} of an index chunk. */
  private static long longAt(int[] c, int i) {
    return (long) c[i] << 32 | (c[i + 1] & 0xffffffffL);
  }

  private static void putLong(int[] c, int i, long v) {
    c[i] = (int) (v >>> 32);
    c[i + 1] = (int) v;
  }

  /**
   * Compares the key of the node at element {@code p} of index chunk {@code c} with {@code key}
   * (unsigned bytes, then length); {@code prefix} is {@link #prefix(byte[]) prefix(key)}. Equal
   * zero-padded prefixes mean the first {@code min(8, shorter length)} bytes are equal, so the
   * record is read only past them, or for the lengths.
   */
  private int compareKey(int[] c, int p, byte[] key, long prefix) {
    long first = longAt(c, p + PREFIX);
    if (first != prefix) {
      return Long.compareUnsigned(first, prefix);
    }
    int q = c[p + PAYLOAD];
    byte[] b = recordArray(q);
    long k = varint(b, recordOffset(q));
    int length = (int) k;
    int common = Math.min(length, key.length);
    if (common > 8) {
      int tail = (int) (varint(b, (int) (k >>> 32)) >>> 32);
      int i = Arrays.mismatch(b, tail, tail + common - 8, key, 8, common);
      if (i >= 0) {
        return Integer.compare(b[tail + i] & 0xff, key[8 + i] & 0xff);
      }
    }
    return Integer.compare(length, key.length);
  }

  /** Compares a node with the target in internal order (key ascending, sequence descending). */
  private int compare(int node, int[] c, byte[] key, long prefix, long seq) {
    int p = node & INDEX_MASK;
    int r = compareKey(c, p, key, prefix);
    if (r != 0) {
      return r;
    }
    return Long.compare(seq, longAt(c, p + TAG) >>> 8);
  }

  private boolean keyEquals(int node, byte[] key) {
    return compareKey(chunk(node), node & INDEX_MASK, key, prefix(key)) == 0;
  }

  private byte[] copyKey(int node) {
    ParsedRecord r = new ParsedRecord(node);
    byte[] out = new byte[r.keyLength];
    long prefix = longAt(chunk(node), (node & INDEX_MASK) + PREFIX);
    if (r.keyLength >= 8) {
      LONG_BE.set(out, 0, prefix);
      System.arraycopy(r.bytes, r.keyTail, out, 8, r.keyLength - 8);
    } else {
      for (int i = 0; i < r.keyLength; i++) {
        out[i] = (byte) (prefix >>> (56 - 8 * i));
      }
    }
    return out;
  }

  /** The value, or null for a tombstone. */
  private byte[] copyValue(int node) {
    ParsedRecord r = new ParsedRecord(node);
    return r.valueField == 0
        ? null
        : Arrays.copyOfRange(r.bytes, r.valueStart, r.valueStart + r.valueField - 1);
  }

  private boolean isTombstone(int node) {
    return new ParsedRecord(node).valueField == 0;
  }

  // ---- search -----------------------------------------------------------------------------------

  /**
   * The first node at or after {@code (key, seq)}, or 0; fills {@code prev[level]} with the last
   * node before it at each level when {@code prev} is given.
   */
  private int findGreaterOrEqual(byte[] key, long seq, int[] prev) {
    long prefix = prefix(key);
    int x = head;
    int[] xc = chunk(x);
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    // The node found not before the target at the level above: met again below, it is not
    // compared twice.
    int knownNotBefore = 0;
    while (true) {
      int next = (int) INT.getAcquire(xc, (x & INDEX_MASK) - 1 - level);
      int[] nc;
      if (next != 0
          && next != knownNotBefore
          && compare(next, nc = chunk(next), key, prefix, seq) < 0) {
        x = next;
        xc = nc;
      } else {
        if (prev != null) {
          prev[level] = x;
        }
        if (level == 0) {
          return next;
        }
        knownNotBefore = next;
        level--;
      }
    }
  }

  /** The last node before {@code (key, seq)} (or at it, if {@code orEqual}), or 0. */
  private int findLessThan(byte[] key, long seq, boolean orEqual) {
    long prefix = prefix(key);
    int x = head;
    int[] xc = chunk(x);
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    int limit = orEqual ? 1 : 0;
    while (true) {
      int next = (int) INT.getAcquire(xc, (x & INDEX_MASK) - 1 - level);
      int[] nc;
      if (next != 0 && compare(next, nc = chunk(next), key, prefix, seq) < limit) {
        x = next;
        xc = nc;
      } else if (level == 0) {
        return x == head ? 0 : x;
      } else {
        level--;
      }
    }
  }

  private int findLast() {
    int x = head;
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    while (true) {
      int next = linkAcquire(x, level);
      if (next != 0) {
        x = next;
      } else if (level == 0) {
        return x == head ? 0 : x;
      } else {
        level--;
      }
    }
  }

  /** The first 8 bytes of a key as an unsigned big-endian number, zero-padded. */
  static long prefix(byte[] key) {
    if (key.length >= 8) {
      return (long) LONG_BE.get(key, 0);
    }
    long w = 0;
    for (int i = 0; i < 8; i++) {
      w = (w << 8) | (i < key.length ? key[i] & 0xff : 0);
    }
    return w;
  }

  /**
   * Cursor over the list; one thread at a time. The key and value are copied out of the arena the
   * first time they are asked for at a position, and the copies are returned until it moves.
   */
  private final class Cursor implements InternalIterator {
    private int node;
    private byte[] key;
    private byte[] value;
    private boolean valueCopied;

    private void moveTo(int n) {
      node = n;
      key = null;
      value = null;
      valueCopied = false;
    }

    private int current() {
      int n = node;
      if (n == 0) {
        throw new NoSuchElementException("iterator is not positioned at an entry");
      }
      return n;
    }

    @Override
    public boolean isValid() {
      return node != 0;
    }

    @Override
    public void seekToFirst() {
      moveTo(linkAcquire(head, 0));
    }

    @Override
    public void seekToLast() {
      moveTo(findLast());
    }

    @Override
    public void seek(byte[] target, long seq) {
      moveTo(findGreaterOrEqual(target, seq, null));
    }

    @Override
    public void seekForPrev(byte[] target, long seq) {
      moveTo(findLessThan(target, seq, true));
    }

    @Override
    public void next() {
      moveTo(linkAcquire(current(), 0));
    }

    @Override
    public void prev() {
      // No back links: a search from the head finds the predecessor in O(log n).
      int n = current();
      moveTo(findLessThan(key(), seqOf(n), false));
    }

    @Override
    public byte[] key() {
      byte[] k = key;
      if (k == null) {
        k = copyKey(current());
        key = k;
      }
      return k;
    }

    @Override
    public long seq() {
      return seqOf(current());
    }

    @Override
    public EntryKind kind() {
      return isTombstone(current()) ? EntryKind.DELETE : EntryKind.PUT;
    }

    @Override
    public byte[] value() {
      if (!valueCopied) {
        value = copyValue(current());
        valueCopied = true;
      }
      return value;
    }
  }
}
