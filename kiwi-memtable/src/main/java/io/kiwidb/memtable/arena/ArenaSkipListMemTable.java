package io.kiwidb.memtable.arena;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.Limits;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.memtable.heap.HeapLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A skip list whose nodes live in large byte arrays (an arena), written by one thread and read by
 * any number of threads without locks. The list discipline is {@code skiplist}'s (LevelDB's {@code
 * skiplist.h}); what differs is where a node lives.
 *
 * <p>Why an arena: the object-per-node list spends about 60 bytes of every entry on Java object
 * headers, array headers, padding and references (183 bytes retained for a 16-byte key and a
 * 100-byte value). Since the engine freezes a memtable when its retained bytes reach {@code
 * max_memtable_size_mb}, that overhead makes every flushed table a quarter smaller than RocksDB's
 * from the same setting, and leveled compaction then runs more L0-to-base merges
 * (docs/memtable.md). Here the same entry costs 136-144 bytes, and a 64 MiB memtable is about 70
 * one-megabyte arrays instead of a million objects, which the garbage collector has far less to
 * trace and copy.
 *
 * <p>Node layout, at an arena pointer {@code p} (chunk index in the high 32 bits, offset in the low
 * 32): the tower of links sits just before {@code p}, level {@code i} at {@code p - 8(i+1)}, each
 * an 8-byte arena pointer (0 = none); at {@code p} a long {@code seq << 8 | height}; then the key
 * length in 2 bytes (keys are at most {@link Limits#MAX_KEY_BYTES}, and a fixed width puts every
 * key at {@code p + 10}, so a search step decodes nothing) and the key; then the value length plus
 * one as a varint (0 = tombstone) and the value; then padding to a multiple of 8. Links are read
 * with acquire and written with release access, which needs 8-aligned addresses: every node starts
 * 8-aligned and is a multiple of 8 long. Keys are compared in place: a search step reads the first
 * 8 key bytes as a big-endian long, in the same cache line as the node's tag, and compares the rest
 * only when those are equal.
 *
 * <p>Chunks start at 8 KiB, so tiny memtables stay tiny, and double up to just under 1 MiB (sized
 * so that, where G1 treats it as humongous, a chunk and its header fill exactly one 1 MiB region).
 * A node larger than an eighth of a chunk gets a chunk of its own. {@link #sizeBytes} charges each
 * node its bytes (and a dedicated chunk its array); the unused tail of the current chunk (under 1
 * MiB) and the few bytes left at the end of each full chunk are not charged.
 *
 * <p>Thread safety: {@link #add} and {@link #addSorted} must be called by one thread at a time, and
 * successive callers must be ordered by a happens-before edge (the engine's write lock). Reads may
 * run on any thread at any time. A node's bytes, and the chunk table entry of a new chunk, are
 * written before a release store of a link makes the node reachable; readers load links with
 * acquire and read the chunk table afresh after each such load, so they see the node whole. Nodes
 * are never removed or moved.
 *
 * <p>Invariants: at every level the list is sorted by {@link KeyOrder#compareInternal} with no two
 * nodes equal; a node reachable at level {@code i > 0} is reachable at level {@code i - 1}; {@code
 * maxHeight}, {@code count} and {@code size} only grow; chunks are never replaced or shrunk.
 */
final class ArenaSkipListMemTable implements MemTable {
  /** Enough levels for 4^20 entries with p = 1/4. */
  static final int MAX_HEIGHT = 20;

  static final int FIRST_CHUNK_BYTES = 8 << 10;

  /** 1 MiB less room for an array header, so a humongous chunk fits one 1 MiB G1 region. */
  static final int CHUNK_BYTES = (1 << 20) - 64;

  /** Nodes above this size get a dedicated chunk instead of wasting a shared chunk's tail. */
  static final int DEDICATED_NODE_BYTES = CHUNK_BYTES / 8;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

  /** Offset of the key length from a node's pointer, and of the key. */
  private static final int KEY_LENGTH = 8;

  private static final int KEY = 10;

  /**
   * The first offset in a {@code byte[]} whose address is 8-aligned: 0 with HotSpot's usual 16-byte
   * array header, 4 with compact object headers (12-byte header). Acquire/release access to a long
   * view of a byte array throws on a misaligned address.
   */
  private static final int FIRST_OFFSET =
      (8 - ByteBuffer.wrap(new byte[8]).alignmentOffset(0, 8)) & 7;

  private static final HeapLayout LAYOUT = HeapLayout.CURRENT;

  /** This object, the writer's splice array and the initial chunk table. */
  private static final long FIXED_BYTES =
      LAYOUT.instance(2, 5, 5, 0)
          + LAYOUT.referenceArray(16)
          + LAYOUT.byteArray(8 * MAX_HEIGHT)
          + headNodeBytes();

  /** 8 x the expected height with p = 1/4, the link bytes an entry costs on average. */
  private static final double EXPECTED_LINK_BYTES = expectedLinkBytes();

  private static final VarHandle MAX_HEIGHT_VH;
  private static final VarHandle COUNT;
  private static final VarHandle SIZE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      MAX_HEIGHT_VH = l.findVarHandle(ArenaSkipListMemTable.class, "maxHeight", int.class);
      COUNT = l.findVarHandle(ArenaSkipListMemTable.class, "count", long.class);
      SIZE = l.findVarHandle(ArenaSkipListMemTable.class, "size", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Chunk table. Written only by the writer, and only before a release store publishes a node in a
   * new chunk; readers read it after the acquire load that gave them the pointer.
   */
  private byte[][] chunks;

  private final long head;

  // Written by the writer with release stores, read by readers with acquire/opaque loads.
  @SuppressWarnings("unused")
  private int maxHeight = 1;

  @SuppressWarnings("unused")
  private long count;

  @SuppressWarnings("unused")
  private long size = FIXED_BYTES;

  // Writer-only state.
  private final long[] splice = new long[MAX_HEIGHT];
  private int chunkCount;
  private int current; // index of the chunk being filled
  private int position; // next free offset in it
  private int nextChunkBytes;
  private final int maxChunkBytes;
  private long random;

  /** Bytes charged so far by {@link #allocate}; the writer turns differences into {@code size}. */
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
   * For tests: chunks of {@code firstChunkBytes} doubling up to {@code maxChunkBytes}, and a chunk
   * table of {@code tableSlots} to start with. Tiny values make nearly every node open a new chunk
   * and the table grow often, so that concurrency tests interleave readers with both.
   */
  ArenaSkipListMemTable(long seed, int firstChunkBytes, int maxChunkBytes, int tableSlots) {
    this.random = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    this.chunks = new byte[tableSlots][];
    this.maxChunkBytes = maxChunkBytes;
    this.nextChunkBytes = Math.min(maxChunkBytes, 2 * firstChunkBytes);
    current = newChunk(Math.max(firstChunkBytes, FIRST_OFFSET + (int) headNodeBytes()));
    position = FIRST_OFFSET;
    this.head = writeNode(new byte[0], 0, null, MAX_HEIGHT);
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
    long[] prev = splice;
    long found = findGreaterOrEqual(key, seq, prev);
    if (found != 0 && seqOf(found) == seq && keyEquals(found, key)) {
      throw new IllegalArgumentException("sequence " + seq + " is already in this memtable");
    }
    int height = randomHeight();
    int top = (int) MAX_HEIGHT_VH.getOpaque(this);
    if (height > top) {
      for (int i = top; i < height; i++) {
        prev[i] = head;
      }
      // A reader that sees the new height first finds no links at the new levels of the head and
      // drops a level; nothing to order.
      MAX_HEIGHT_VH.setOpaque(this, height);
    }
    long before = charged;
    long node = writeNode(key, seq, value, height);
    // The node is private until the release stores below, so its own links are plain writes.
    for (int i = 0; i < height; i++) {
      initLink(node, i, linkPlain(prev[i], i));
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
    long[] first = new long[MAX_HEIGHT];
    long[] last = new long[MAX_HEIGHT];
    int top = 1;
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      int height = Math.min(1 + Integer.numberOfTrailingZeros(i + 1) / 2, MAX_HEIGHT);
      long node = writeNode(keys[i], seqs[i], values[i], height);
      for (int level = 0; level < height; level++) {
        if (last[level] == 0) {
          first[level] = node;
        } else {
          initLink(last[level], level, node);
        }
        last[level] = node;
      }
      top = Math.max(top, height);
      bytes += sortedEntryBytes(keys[i], values[i]);
    }
    for (int level = 0; level < top; level++) {
      publishLink(head, level, first[level]);
    }
    MAX_HEIGHT_VH.setOpaque(this, Math.max(top, (int) MAX_HEIGHT_VH.getOpaque(this)));
    SIZE.setRelease(this, (long) SIZE.get(this) + bytes);
    COUNT.setRelease(this, (long) count);
  }

  /**
   * The node's bytes at the expected height (a bulk-loaded list's heights follow the expected
   * proportions exactly), rounded: what {@link #add} charges on average for the same entry.
   */
  @Override
  public long sortedEntryBytes(byte[] key, byte[] value) {
    int body = bodyBytes(key.length, value);
    long links = Math.round(EXPECTED_LINK_BYTES);
    // Links are a multiple of 8, so they add exactly their size to a dedicated chunk's array too.
    return links + (body > DEDICATED_NODE_BYTES ? LAYOUT.byteArray(FIRST_OFFSET + body) : body);
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    long n = findGreaterOrEqual(key, readSeq, null);
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

  // ---- the arena (writer only) ------------------------------------------------------------------

  private static void checkKeyLength(byte[] key) {
    if (key.length > Limits.MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key is " + key.length + " bytes: the limit is " + Limits.MAX_KEY_BYTES + " bytes");
    }
  }

  /** Tag, key length, key, value length, value, padded to 8: a node without its links. */
  private static int bodyBytes(int keyLength, byte[] value) {
    int valueField = value == null ? 0 : value.length + 1;
    int n = KEY + keyLength + varIntSize(valueField) + (value == null ? 0 : value.length);
    return (n + 7) & -8;
  }

  /** Writes a node and returns its pointer; its links are left 0. */
  private long writeNode(byte[] key, long seq, byte[] value, int height) {
    int links = 8 * height;
    long start = allocate(links, bodyBytes(key.length, value));
    byte[] c = chunks[(int) (start >>> 32)];
    int p = (int) start + links;
    LONG.set(c, p, seq << 8 | height);
    SHORT.set(c, p + KEY_LENGTH, (short) key.length);
    System.arraycopy(key, 0, c, p + KEY, key.length);
    int pos = p + KEY + key.length;
    if (value == null) {
      c[pos] = 0;
    } else {
      pos = putVarInt(c, pos, value.length + 1);
      System.arraycopy(value, 0, c, pos, value.length);
    }
    return start + links;
  }

  /**
   * Reserves room for a node (both sizes multiples of 8) at an 8-aligned address and charges it. A
   * node whose body is over {@link #DEDICATED_NODE_BYTES} gets a chunk of its own.
   */
  private long allocate(int links, int body) {
    int bytes = links + body;
    if (body > DEDICATED_NODE_BYTES) {
      int index = newChunk(FIRST_OFFSET + bytes);
      charged += LAYOUT.byteArray(FIRST_OFFSET + bytes);
      return (long) index << 32 | FIRST_OFFSET;
    }
    if (position + bytes > chunks[current].length) {
      // A node of up to a dedicated chunk's threshold may not fit the small early chunks.
      current = newChunk(Math.max(nextChunkBytes, FIRST_OFFSET + bytes));
      position = FIRST_OFFSET;
      nextChunkBytes = Math.min(maxChunkBytes, nextChunkBytes * 2);
    }
    long start = (long) current << 32 | position;
    position += bytes;
    charged += bytes;
    return start;
  }

  /** Adds a chunk to the table (not yet the current one) and returns its index. */
  private int newChunk(int bytes) {
    if (chunkCount == chunks.length) {
      // Readers holding the old table still find every chunk they can have a pointer into.
      chunks = Arrays.copyOf(chunks, chunkCount * 2);
      charged += LAYOUT.referenceArray(chunkCount * 2) - LAYOUT.referenceArray(chunkCount);
    }
    chunks[chunkCount] = new byte[bytes];
    return chunkCount++;
  }

  // ---- reading nodes (any thread) ---------------------------------------------------------------

  private byte[] chunk(long node) {
    return chunks[(int) (node >>> 32)];
  }

  private long seqOf(long node) {
    return (long) LONG.get(chunk(node), (int) node) >>> 8;
  }

  private long linkAcquire(long node, int level) {
    return (long) LONG.get(chunk(node), (int) node - 8 * (level + 1));
  }

  private long linkPlain(long node, int level) {
    return (long) LONG.get(chunk(node), (int) node - 8 * (level + 1));
  }

  private void initLink(long node, int level, long target) {
    LONG.set(chunk(node), (int) node - 8 * (level + 1), target);
  }

  private void publishLink(long node, int level, long target) {
    LONG.setRelease(chunk(node), (int) node - 8 * (level + 1), target);
  }

  private static int keyLength(byte[] c, int p) {
    return (short) SHORT.get(c, p + KEY_LENGTH) & 0xffff;
  }

  /**
   * Compares the key of the node at offset {@code p} of chunk {@code c} with {@code key} (unsigned
   * bytes); {@code prefix} is {@link #prefix(byte[]) prefix(key)}.
   */
  private static int compareKey(byte[] c, int p, byte[] key, long prefix) {
    int length = keyLength(c, p);
    long nodePrefix = length >= 8 ? (long) LONG_BE.get(c, p + KEY) : prefix(c, p + KEY, length);
    if (nodePrefix != prefix) {
      return Long.compareUnsigned(nodePrefix, prefix);
    }
    return Arrays.compareUnsigned(c, p + KEY, p + KEY + length, key, 0, key.length);
  }

  /** Compares a node with the target in internal order (key ascending, sequence descending). */
  private static int compare(byte[] c, int p, byte[] key, long prefix, long seq) {
    int r = compareKey(c, p, key, prefix);
    return r != 0 ? r : Long.compare(seq, (long) LONG.get(c, p) >>> 8);
  }

  private boolean keyEquals(long node, byte[] key) {
    byte[] c = chunk(node);
    int p = (int) node;
    return Arrays.equals(c, p + KEY, p + KEY + keyLength(c, p), key, 0, key.length);
  }

  private byte[] copyKey(long node) {
    byte[] c = chunk(node);
    int p = (int) node;
    return Arrays.copyOfRange(c, p + KEY, p + KEY + keyLength(c, p));
  }

  /** The value, or null for a tombstone. */
  private byte[] copyValue(long node) {
    byte[] c = chunk(node);
    int p = (int) node;
    p += KEY + keyLength(c, p);
    int field = getVarInt(c, p);
    if (field == 0) {
      return null;
    }
    p += varIntSize(field);
    return Arrays.copyOfRange(c, p, p + field - 1);
  }

  private boolean isTombstone(long node) {
    byte[] c = chunk(node);
    int p = (int) node;
    return c[p + KEY + keyLength(c, p)] == 0;
  }

  // ---- search -----------------------------------------------------------------------------------

  /**
   * The first node at or after {@code (key, seq)}, or 0; fills {@code prev[level]} with the last
   * node before it at each level when {@code prev} is given.
   */
  private long findGreaterOrEqual(byte[] key, long seq, long[] prev) {
    long prefix = prefix(key);
    long x = head;
    byte[] xc = chunk(x);
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    // The node found not before the target at the level above: met again below, it is not
    // compared twice.
    long knownNotBefore = 0;
    while (true) {
      long next = (long) LONG.getAcquire(xc, (int) x - 8 * (level + 1));
      byte[] nc;
      if (next != 0
          && next != knownNotBefore
          && compare(nc = chunk(next), (int) next, key, prefix, seq) < 0) {
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
  private long findLessThan(byte[] key, long seq, boolean orEqual) {
    long prefix = prefix(key);
    long x = head;
    byte[] xc = chunk(x);
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    int limit = orEqual ? 1 : 0;
    while (true) {
      long next = (long) LONG.getAcquire(xc, (int) x - 8 * (level + 1));
      byte[] nc;
      if (next != 0 && compare(nc = chunk(next), (int) next, key, prefix, seq) < limit) {
        x = next;
        xc = nc;
      } else if (level == 0) {
        return x == head ? 0 : x;
      } else {
        level--;
      }
    }
  }

  private long findLast() {
    long x = head;
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    while (true) {
      long next = linkAcquire(x, level);
      if (next != 0) {
        x = next;
      } else if (level == 0) {
        return x == head ? 0 : x;
      } else {
        level--;
      }
    }
  }

  /** A height with P(h > k) = 4^-k, capped at {@link #MAX_HEIGHT}; writer only. */
  private int randomHeight() {
    long x = random;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    random = x;
    int height = 1;
    while (height < MAX_HEIGHT && (x & 3) == 0) {
      height++;
      x >>>= 2;
    }
    return height;
  }

  // ---- encoding helpers -------------------------------------------------------------------------

  /** The first 8 bytes of a key as an unsigned big-endian number, zero-padded. */
  static long prefix(byte[] key) {
    return key.length >= 8 ? (long) LONG_BE.get(key, 0) : prefix(key, 0, key.length);
  }

  private static long prefix(byte[] b, int off, int length) {
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = (p << 8) | (i < length ? b[off + i] & 0xff : 0);
    }
    return p;
  }

  static int varIntSize(int v) {
    return v < 1 << 7 ? 1 : v < 1 << 14 ? 2 : v < 1 << 21 ? 3 : v < 1 << 28 ? 4 : 5;
  }

  private static int putVarInt(byte[] b, int pos, int v) {
    while ((v & ~0x7f) != 0) {
      b[pos++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }

  private static int getVarInt(byte[] b, int pos) {
    int v = 0;
    for (int shift = 0; ; shift += 7) {
      int x = b[pos++];
      v |= (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
  }

  private static long headNodeBytes() {
    return 8L * MAX_HEIGHT + bodyBytes(0, null);
  }

  private static double expectedLinkBytes() {
    double expected = 0;
    double pAtLeast = 1; // P(height >= h)
    for (int h = 1; h <= MAX_HEIGHT; h++) {
      double p = h == MAX_HEIGHT ? pAtLeast : pAtLeast * 0.75;
      expected += p * 8 * h;
      pAtLeast *= 0.25;
    }
    return expected;
  }

  /**
   * Cursor over the list; one thread at a time. The key and value are copied out of the arena the
   * first time they are asked for at a position, and the copies are returned until it moves.
   */
  private final class Cursor implements InternalIterator {
    private long node;
    private byte[] key;
    private byte[] value;
    private boolean valueCopied;

    private void moveTo(long n) {
      node = n;
      key = null;
      value = null;
      valueCopied = false;
    }

    private long current() {
      long n = node;
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
      long n = current();
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
