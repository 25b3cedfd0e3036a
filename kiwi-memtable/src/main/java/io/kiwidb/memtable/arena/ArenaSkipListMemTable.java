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
 * A skip list whose nodes live in large {@code long[]} chunks (an arena), written by one thread and
 * read by any number of threads without locks. The list discipline is {@code skiplist}'s (LevelDB's
 * {@code skiplist.h}); what differs is where a node lives.
 *
 * <p>Why an arena: the object-per-node list spends about 60 bytes of every entry on Java object
 * headers, array headers, padding and references (195.5 bytes retained for a 16-byte key and a
 * 100-byte value). Since the engine freezes a memtable when its retained bytes reach {@code
 * max_memtable_size_mb}, that overhead made every flushed table a quarter smaller than RocksDB's
 * from the same setting, and leveled compaction then ran more L0-to-base merges (docs/memtable.md).
 * Here the same entry costs about 147 bytes, and a 64 MiB memtable is about 70 one-megabyte arrays
 * instead of a million objects, which the garbage collector neither traces nor copies one by one.
 *
 * <p>Why {@code long[]} and not {@code byte[]}: links need acquire and release access, and JDK 22+
 * refuses those modes on a {@code long} view of a {@code byte[]} (a heap byte array's elements are
 * not guaranteed 8-aligned). Elements of a {@code long[]} are, so {@link
 * MethodHandles#arrayElementVarHandle} gives the access on every JDK; key and value bytes are
 * packed into the words big-endian, which also makes comparing 8 key bytes one unsigned {@code
 * long} comparison.
 *
 * <p>Node layout, at an arena pointer {@code p} (chunk index in the high 32 bits, word index in the
 * low 32): the tower of links sits just before {@code p}, level {@code i} at word {@code p - 1 -
 * i}, each an arena pointer (0 = none); word {@code p} holds {@code seq << 8 | height}; word {@code
 * p + 1} the key length (high 32 bits) and the value length plus one (low 32 bits, 0 = tombstone);
 * from word {@code p + 2} the key bytes and then the value bytes, 8 to a word, the first byte in
 * the most significant position, the last word zero-padded. A search step compares word {@code p +
 * 2} (the key's first 8 bytes) with the target's, and reads further words only when those are
 * equal.
 *
 * <p>Chunks start at 8 KiB, so tiny memtables stay tiny, and double up to just under 1 MiB (sized
 * so that, where G1 treats it as humongous, a chunk and its header fill exactly one 1 MiB region).
 * A node larger than an eighth of a chunk gets a chunk of its own. {@link #sizeBytes} charges each
 * node its bytes (and a dedicated chunk its array); the unused tail of the current chunk (under 1
 * MiB) and the few bytes left at the end of each full chunk are not charged.
 *
 * <p>Thread safety: {@link #add} and {@link #addSorted} must be called by one thread at a time, and
 * successive callers must be ordered by a happens-before edge (the engine's write lock). Reads may
 * run on any thread at any time. A node's words, and the chunk table entry of a new chunk, are
 * written before a release store of a link makes the node reachable; readers load links with
 * acquire and read the chunk table afresh after each such load, so they see the node whole. Nodes
 * are never removed or moved.
 *
 * <p>Invariants: at every level the list is sorted by {@link KeyOrder#compareInternal} with no two
 * nodes equal; a node reachable at level {@code i > 0} is reachable at level {@code i - 1}; {@code
 * maxHeight}, {@code count} and {@code size} only grow; chunks are never replaced or shrunk.
 */
final class ArenaSkipListMemTable implements MemTable {
  static final int MAX_HEIGHT = TowerHeights.MAX_HEIGHT;

  /** 8 KiB. */
  static final int FIRST_CHUNK_WORDS = 1 << 10;

  /** 1 MiB less room for an array header, so a humongous chunk fits one 1 MiB G1 region. */
  static final int CHUNK_WORDS = (1 << 17) - 8;

  /** Nodes whose body is above this get a dedicated chunk instead of wasting a shared tail. */
  static final int DEDICATED_BODY_WORDS = CHUNK_WORDS / 8;

  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Word offsets from a node's pointer. */
  private static final int TAG = 0;

  private static final int LENGTHS = 1;
  private static final int STREAM = 2;

  private static final HeapLayout LAYOUT = HeapLayout.CURRENT;

  /** This object, the writer's splice array, the initial chunk table and the head node. */
  private static final long FIXED_BYTES =
      LAYOUT.instance(2, 5, 5, 0)
          + LAYOUT.referenceArray(16)
          + LAYOUT.byteArray(8 * MAX_HEIGHT)
          + 8L * (MAX_HEIGHT + bodyWords(0, null));

  /** 8 x the expected height with p = 1/4, the link bytes an entry costs on average. */
  private static final long EXPECTED_LINK_BYTES = Math.round(TowerHeights.expected(h -> 8L * h));

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
  private long[][] chunks;

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
  private int position; // next free word in it
  private int nextChunkWords;
  private final int maxChunkWords;
  private final TowerHeights heights;

  /** Bytes charged so far by {@link #allocate}; the writer turns differences into {@code size}. */
  private long charged;

  /** Creates an empty memtable. */
  ArenaSkipListMemTable() {
    this(System.nanoTime());
  }

  /** Creates an empty memtable whose node heights come from {@code seed} (for tests). */
  ArenaSkipListMemTable(long seed) {
    this(seed, FIRST_CHUNK_WORDS, CHUNK_WORDS, 16);
  }

  /**
   * For tests: chunks of {@code firstChunkWords} doubling up to {@code maxChunkWords}, and a chunk
   * table of {@code tableSlots} to start with. Tiny values make nearly every node open a new chunk
   * and the table grow often, so that concurrency tests interleave readers with both.
   */
  ArenaSkipListMemTable(long seed, int firstChunkWords, int maxChunkWords, int tableSlots) {
    this.heights = new TowerHeights(seed);
    this.chunks = new long[tableSlots][];
    this.maxChunkWords = maxChunkWords;
    this.nextChunkWords = Math.min(maxChunkWords, 2 * firstChunkWords);
    current = newChunk(Math.max(firstChunkWords, MAX_HEIGHT + bodyWords(0, null)));
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
    int height = heights.next();
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
      int height = TowerHeights.forPosition(i);
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
    int body = bodyWords(key.length, value);
    // Links are whole words, so they add exactly their size to a dedicated chunk's array too.
    return EXPECTED_LINK_BYTES
        + (body > DEDICATED_BODY_WORDS ? LAYOUT.byteArray(8 * body) : 8L * body);
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

  /** Tag, lengths, and key and value bytes 8 to a word (at least one): a node without links. */
  private static int bodyWords(int keyLength, byte[] value) {
    long bytes = (long) keyLength + (value == null ? 0 : value.length);
    return STREAM + (int) Math.max(1, (bytes + 7) >>> 3);
  }

  /** Writes a node and returns its pointer; its links are left 0. */
  private long writeNode(byte[] key, long seq, byte[] value, int height) {
    long start = allocate(height, bodyWords(key.length, value));
    long[] c = chunks[(int) (start >>> 32)];
    int p = (int) start + height;
    c[p + TAG] = seq << 8 | height;
    c[p + LENGTHS] = (long) key.length << 32 | (value == null ? 0 : value.length + 1L);
    putBytes(c, p + STREAM, 0, key);
    if (value != null) {
      putBytes(c, p + STREAM, key.length, value);
    }
    return start + height;
  }

  /**
   * Reserves {@code links + body} words and charges them. A node whose body is over {@link
   * #DEDICATED_BODY_WORDS} gets a chunk of its own.
   */
  private long allocate(int links, int body) {
    int words = links + body;
    if (body > DEDICATED_BODY_WORDS) {
      int index = newChunk(words);
      charged += LAYOUT.byteArray(8 * words); // a long[]: the same header and padding
      return (long) index << 32;
    }
    if (position + words > chunks[current].length) {
      // A node of up to a dedicated chunk's threshold may not fit the small early chunks.
      current = newChunk(Math.max(nextChunkWords, words));
      position = 0;
      nextChunkWords = Math.min(maxChunkWords, nextChunkWords * 2);
    }
    long start = (long) current << 32 | position;
    position += words;
    charged += 8L * words;
    return start;
  }

  /** Adds a chunk to the table and returns its index. */
  private int newChunk(int words) {
    if (chunkCount == chunks.length) {
      // Readers holding the old table still find every chunk they can have a pointer into.
      chunks = Arrays.copyOf(chunks, chunkCount * 2);
      charged += LAYOUT.referenceArray(chunkCount * 2) - LAYOUT.referenceArray(chunkCount);
    }
    chunks[chunkCount] = new long[words];
    return chunkCount++;
  }

  /**
   * Writes {@code src} into the byte stream starting at word {@code base}, at byte offset {@code
   * off}. The words are fresh (zero) or hold only earlier bytes of the stream, so bytes are OR-ed
   * into a word that already has some.
   */
  private static void putBytes(long[] c, int base, int off, byte[] src) {
    int n = src.length;
    int shift = (off & 7) << 3;
    int w = base + (off >>> 3);
    int i = 0;
    for (; i + 8 <= n; i += 8, w++) {
      long x = (long) LONG_BE.get(src, i);
      if (shift == 0) {
        c[w] = x;
      } else {
        c[w] |= x >>> shift;
        c[w + 1] = x << (64 - shift);
      }
    }
    for (; i < n; i++) {
      int j = off + i;
      c[base + (j >>> 3)] |= (src[i] & 0xffL) << (56 - ((j & 7) << 3));
    }
  }

  /**
   * Copies {@code n} bytes of the byte stream at word {@code base}, from byte offset {@code off}.
   */
  private static byte[] getBytes(long[] c, int base, int off, int n) {
    byte[] out = new byte[n];
    int shift = (off & 7) << 3;
    int w = base + (off >>> 3);
    int i = 0;
    for (; i + 8 <= n; i += 8, w++) {
      LONG_BE.set(out, i, shift == 0 ? c[w] : c[w] << shift | c[w + 1] >>> (64 - shift));
    }
    for (; i < n; i++) {
      int j = off + i;
      out[i] = (byte) (c[base + (j >>> 3)] >>> (56 - ((j & 7) << 3)));
    }
    return out;
  }

  // ---- reading nodes (any thread) ---------------------------------------------------------------

  private long[] chunk(long node) {
    return chunks[(int) (node >>> 32)];
  }

  private long seqOf(long node) {
    return chunk(node)[(int) node + TAG] >>> 8;
  }

  private long linkAcquire(long node, int level) {
    return (long) WORD.getAcquire(chunk(node), (int) node - 1 - level);
  }

  private long linkPlain(long node, int level) {
    return chunk(node)[(int) node - 1 - level];
  }

  private void initLink(long node, int level, long target) {
    chunk(node)[(int) node - 1 - level] = target;
  }

  private void publishLink(long node, int level, long target) {
    WORD.setRelease(chunk(node), (int) node - 1 - level, target);
  }

  private static int keyLength(long[] c, int p) {
    return (int) (c[p + LENGTHS] >>> 32);
  }

  /** The node's key word at byte offset {@code off} (a multiple of 8), zero-padded past its end. */
  private static long keyWord(long[] c, int p, int off, int length) {
    long w = c[p + STREAM + (off >>> 3)];
    int left = length - off;
    return left >= 8 ? w : w & ~(-1L >>> (left << 3));
  }

  /** {@code key}'s 8 bytes from {@code off} as an unsigned big-endian number, zero-padded. */
  private static long keyWord(byte[] key, int off) {
    if (off + 8 <= key.length) {
      return (long) LONG_BE.get(key, off);
    }
    long w = 0;
    for (int i = 0; i < 8; i++) {
      w = (w << 8) | (off + i < key.length ? key[off + i] & 0xff : 0);
    }
    return w;
  }

  /**
   * Compares the key of the node at word {@code p} of chunk {@code c} with {@code key} (unsigned
   * bytes, then length); {@code prefix} is {@link #prefix(byte[]) prefix(key)}. Zero-padded words
   * compare like the bytes they hold, and when every word up to the shorter length is equal, the
   * shorter key is the smaller.
   */
  private static int compareKey(long[] c, int p, byte[] key, long prefix) {
    int length = keyLength(c, p);
    long first = keyWord(c, p, 0, length);
    if (first != prefix) {
      return Long.compareUnsigned(first, prefix);
    }
    int common = Math.min(length, key.length);
    for (int off = 8; off < common; off += 8) {
      long a = keyWord(c, p, off, length);
      long b = keyWord(key, off);
      if (a != b) {
        return Long.compareUnsigned(a, b);
      }
    }
    return Integer.compare(length, key.length);
  }

  /** Compares a node with the target in internal order (key ascending, sequence descending). */
  private static int compare(long[] c, int p, byte[] key, long prefix, long seq) {
    int r = compareKey(c, p, key, prefix);
    return r != 0 ? r : Long.compare(seq, c[p + TAG] >>> 8);
  }

  private boolean keyEquals(long node, byte[] key) {
    return compareKey(chunk(node), (int) node, key, prefix(key)) == 0;
  }

  private byte[] copyKey(long node) {
    long[] c = chunk(node);
    int p = (int) node;
    return getBytes(c, p + STREAM, 0, keyLength(c, p));
  }

  /** The value, or null for a tombstone. */
  private byte[] copyValue(long node) {
    long[] c = chunk(node);
    int p = (int) node;
    int field = (int) c[p + LENGTHS];
    return field == 0 ? null : getBytes(c, p + STREAM, keyLength(c, p), field - 1);
  }

  private boolean isTombstone(long node) {
    return (int) chunk(node)[(int) node + LENGTHS] == 0;
  }

  // ---- search -----------------------------------------------------------------------------------

  /**
   * The first node at or after {@code (key, seq)}, or 0; fills {@code prev[level]} with the last
   * node before it at each level when {@code prev} is given.
   */
  private long findGreaterOrEqual(byte[] key, long seq, long[] prev) {
    long prefix = prefix(key);
    long x = head;
    long[] xc = chunk(x);
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    // The node found not before the target at the level above: met again below, it is not
    // compared twice.
    long knownNotBefore = 0;
    while (true) {
      long next = (long) WORD.getAcquire(xc, (int) x - 1 - level);
      long[] nc;
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
    long[] xc = chunk(x);
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    int limit = orEqual ? 1 : 0;
    while (true) {
      long next = (long) WORD.getAcquire(xc, (int) x - 1 - level);
      long[] nc;
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

  // ---- encoding helpers -------------------------------------------------------------------------

  /** The first 8 bytes of a key as an unsigned big-endian number, zero-padded. */
  static long prefix(byte[] key) {
    return keyWord(key, 0);
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
