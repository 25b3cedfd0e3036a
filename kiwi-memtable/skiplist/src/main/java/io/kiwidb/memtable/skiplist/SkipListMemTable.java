package io.kiwidb.memtable.skiplist;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.memtable.heap.EntryNode;
import io.kiwidb.memtable.heap.HeapLayout;
import io.kiwidb.memtable.heap.NodeCursor;
import io.kiwidb.memtable.heap.TowerHeights;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A memtable on a skip list written by one thread and read by any number of threads without locks
 * (the design of LevelDB's {@code skiplist.h}, re-done for the JVM's memory model).
 *
 * <p>Why not {@link java.util.concurrent.ConcurrentSkipListMap}: the engine already serialises
 * writers, so the CAS loops that make the JDK map safe for many writers are pure cost here; and the
 * JDK map needs a key object per entry (user key + sequence) plus separate index nodes, about 60
 * bytes per entry beyond the key and value arrays. Here one node holds the key, value, sequence, an
 * 8-byte key prefix and the level-0 link (40 bytes with compressed references); the quarter of
 * nodes that are taller also hold the level-1 link (48 bytes), and only the one in sixteen taller
 * than 2 carries an array for the links above. Kind is not stored: a tombstone is a node without a
 * value. Measured: 43.5 bytes per entry against the JDK map's 60 (docs/memtable.md).
 *
 * <p>The prefix is a deliberate trade: 8 bytes per entry so that a search step compares inside the
 * node it already loaded instead of also loading the key array. A search is a chain of cache misses
 * once the table outgrows the CPU caches, so this halves them; without it this list measured 35.5
 * bytes per entry but inserted only 1.03x as fast as the JDK map, with it 1.6-2.0x
 * (docs/benchmarks.md).
 *
 * <p>Heights are drawn with p = 1/4 (LevelDB's choice): fewer tall nodes than p = 1/2, so less
 * memory, for about the same number of comparisons per search.
 *
 * <p>Thread safety: {@link #add} must be called by one thread at a time, and successive callers
 * must be ordered by a happens-before edge (the engine's write lock), because the writer keeps
 * unsynchronised scratch state. Reads ({@link #get}, iterators, {@link #entryCount}, {@link
 * #sizeBytes}) may run on any thread at any time and never block or wait for the writer. A new node
 * is fully built, links included, before a release store makes it reachable from its predecessor;
 * readers follow links with acquire loads, so they see either the list without the node or the node
 * complete. Nodes are never removed or unlinked, so a reader can never step onto a dead node.
 * Iterators see entries added after they were created if they reach them; the engine filters by
 * sequence number, so this is harmless.
 *
 * <p>Invariants: at every level the list is sorted by {@link KeyOrder#compareInternal} with no two
 * nodes equal; every node reachable at level {@code i > 0} is reachable at level {@code i - 1};
 * {@code maxHeight} only grows; {@code entryCount} and {@code sizeBytes} only grow.
 */
final class SkipListMemTable implements MemTable {
  static final int MAX_HEIGHT = TowerHeights.MAX_HEIGHT;

  private static final HeapLayout LAYOUT = HeapLayout.CURRENT;
  // key, value, next0 + seq, prefix.
  private static final long NODE_BYTES = LAYOUT.instance(3, 2, 0, 0);
  // ... + next1 and the upper-links array reference.
  private static final long TALL_NODE_BYTES = LAYOUT.instance(5, 2, 0, 0);
  // this object, the head node and its array, the writer's splice array.
  private static final long FIXED_BYTES =
      LAYOUT.instance(2, 3, 1, 0)
          + TALL_NODE_BYTES
          + LAYOUT.referenceArray(MAX_HEIGHT - 2)
          + LAYOUT.referenceArray(MAX_HEIGHT);

  /**
   * What a node costs on average with p = 1/4: the charge of a bulk-loaded entry, so that recovery
   * can add up a memtable's worth of entries before building it (see {@link #sortedEntryBytes}).
   * About 43.5 bytes with compressed references.
   */
  static final long EXPECTED_NODE_BYTES = expectedNodeBytes();

  private static final VarHandle MAX_HEIGHT_VH;
  private static final VarHandle COUNT;
  private static final VarHandle SIZE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      MAX_HEIGHT_VH = l.findVarHandle(SkipListMemTable.class, "maxHeight", int.class);
      COUNT = l.findVarHandle(SkipListMemTable.class, "count", long.class);
      SIZE = l.findVarHandle(SkipListMemTable.class, "size", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Node head = new TallNode(null, null, 0, MAX_HEIGHT);

  // Written by the writer with release stores, read by readers with acquire/opaque loads.
  @SuppressWarnings("unused")
  private int maxHeight = 1;

  @SuppressWarnings("unused")
  private long count;

  @SuppressWarnings("unused")
  private long size = FIXED_BYTES;

  // Writer-only state.
  private final Node[] splice = new Node[MAX_HEIGHT];
  private final TowerHeights heights;

  /** Creates an empty memtable. */
  SkipListMemTable() {
    this(System.nanoTime());
  }

  /** Creates an empty memtable whose node heights come from {@code seed} (for tests). */
  SkipListMemTable(long seed) {
    this.heights = new TowerHeights(seed);
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
    KeyOrder.checkSequence(seq);
    Node[] prev = splice;
    Node found = findGreaterOrEqual(key, seq, prev);
    if (found != null && found.seq == seq && Arrays.equals(found.key, key)) {
      throw new IllegalArgumentException("sequence " + seq + " is already in this memtable");
    }
    int height = heights.next();
    int current = (int) MAX_HEIGHT_VH.getOpaque(this);
    if (height > current) {
      for (int i = current; i < height; i++) {
        prev[i] = head;
      }
      // A reader that sees the new height before the node finds null links at the new levels of
      // the head and simply drops a level; nothing to order here.
      MAX_HEIGHT_VH.setOpaque(this, height);
    }
    Node node;
    long bytes;
    if (height == 1) {
      node = new Node(key, value, seq);
      bytes = NODE_BYTES;
    } else {
      node = new TallNode(key, value, seq, height);
      bytes = TALL_NODE_BYTES + (height > 2 ? LAYOUT.referenceArray(height - 2) : 0);
    }
    // The node is private until the release stores below, so its own links are plain writes.
    for (int i = 0; i < height; i++) {
      node.initNext(i, prev[i].nextPlain(i));
    }
    for (int i = 0; i < height; i++) {
      prev[i].publishNext(i, node);
    }
    bytes += LAYOUT.byteArray(key.length) + (value == null ? 0 : LAYOUT.byteArray(value.length));
    SIZE.setRelease(this, (long) SIZE.get(this) + bytes);
    COUNT.setRelease(this, (long) COUNT.get(this) + 1);
  }

  /**
   * Builds the list from sorted input in one pass when it is empty: each node is linked after the
   * last node of each of its levels, so no search runs at all. Heights are not drawn but follow the
   * position: the node at 1-based position {@code i} is {@code 1 + t} levels tall where {@code 4^t}
   * is the largest power of four dividing {@code i} (capped at {@link #MAX_HEIGHT}), which gives
   * exactly the proportions p = 1/4 gives on average (one node in four at level 1, one in sixteen
   * at level 2, ...), evenly spaced, so a later search does the same work as in a random list. The
   * chain is built privately and published at the end, level 0 first: readers see the list empty or
   * whole. A non-empty list falls back to one {@link #add} per entry.
   */
  @Override
  public void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    if ((long) COUNT.get(this) != 0) {
      MemTable.super.addSorted(keys, seqs, values, count);
      return;
    }
    MemTable.checkSorted(keys, seqs, values, count);
    if (count == 0) {
      return;
    }
    Node[] first = new Node[MAX_HEIGHT];
    Node[] last = new Node[MAX_HEIGHT];
    int top = 1;
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      byte[] key = keys[i];
      byte[] value = values[i];
      int height = TowerHeights.forPosition(i);
      Node node =
          height == 1 ? new Node(key, value, seqs[i]) : new TallNode(key, value, seqs[i], height);
      for (int level = 0; level < height; level++) {
        if (last[level] == null) {
          first[level] = node;
        } else {
          last[level].initNext(level, node);
        }
        last[level] = node;
      }
      top = Math.max(top, height);
      bytes += sortedEntryBytes(key, value);
    }
    // Level 0 first: a node reachable at level i must already be reachable below it.
    for (int level = 0; level < top; level++) {
      head.publishNext(level, first[level]);
    }
    MAX_HEIGHT_VH.setOpaque(this, Math.max(top, (int) MAX_HEIGHT_VH.getOpaque(this)));
    SIZE.setRelease(this, (long) SIZE.get(this) + bytes);
    COUNT.setRelease(this, (long) count);
  }

  /**
   * The node's expected size plus the key and value arrays: a bulk-loaded list's heights follow the
   * expected proportions exactly, so this is what such a list retains per entry to within a
   * fraction of a byte; {@link #add} charges each node its real size, which averages the same.
   */
  @Override
  public long sortedEntryBytes(byte[] key, byte[] value) {
    return EXPECTED_NODE_BYTES
        + LAYOUT.byteArray(key.length)
        + (value == null ? 0 : LAYOUT.byteArray(value.length));
  }

  /** Sum over heights h of P(height = h) times the bytes of a node of height h, rounded. */
  private static long expectedNodeBytes() {
    return Math.round(
        TowerHeights.expected(
            h ->
                h == 1
                    ? NODE_BYTES
                    : TALL_NODE_BYTES + (h > 2 ? LAYOUT.referenceArray(h - 2) : 0)));
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    Node n = findGreaterOrEqual(key, readSeq, null);
    if (n != null && Arrays.equals(n.key, key)) {
      return n.entry();
    }
    return null;
  }

  @Override
  public InternalIterator iterator() {
    return new Iter();
  }

  @Override
  public long entryCount() {
    return (long) COUNT.getAcquire(this);
  }

  @Override
  public long sizeBytes() {
    return (long) SIZE.getAcquire(this);
  }

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * The first 8 bytes of a key as an unsigned big-endian number, zero-padded. Two keys whose
   * prefixes differ compare like their prefixes, so most comparisons during a search stay inside
   * the node and never load the key array: one cache miss per step instead of two.
   */
  static long prefix(byte[] key) {
    if (key.length >= 8) {
      return (long) LONG_BE.get(key, 0);
    }
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = (p << 8) | (i < key.length ? key[i] & 0xff : 0);
    }
    return p;
  }

  /** Compares a node with the target in internal order (key ascending, sequence descending). */
  private static int compare(Node n, byte[] key, long prefix, long seq) {
    if (n.prefix != prefix) {
      return Long.compareUnsigned(n.prefix, prefix);
    }
    int c = Arrays.compareUnsigned(n.key, key);
    return c != 0 ? c : Long.compare(seq, n.seq);
  }

  /**
   * The first node at or after {@code (key, seq)}, or null; fills {@code prev[level]} with the last
   * node before it at each level when {@code prev} is given.
   */
  private Node findGreaterOrEqual(byte[] key, long seq, Node[] prev) {
    long prefix = prefix(key);
    Node x = head;
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    // The node found to be >= target at the level above; at lower levels the same successor is
    // often met again and need not be compared twice.
    Node knownNotBefore = null;
    while (true) {
      Node next = x.next(level);
      if (next != null && next != knownNotBefore && compare(next, key, prefix, seq) < 0) {
        x = next;
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

  /** The last node strictly before {@code (key, seq)} (or at or before, if {@code orEqual}). */
  private Node findLessThan(byte[] key, long seq, boolean orEqual) {
    long prefix = prefix(key);
    Node x = head;
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    int limit = orEqual ? 1 : 0;
    while (true) {
      Node next = x.next(level);
      if (next != null && compare(next, key, prefix, seq) < limit) {
        x = next;
      } else if (level == 0) {
        return x == head ? null : x;
      } else {
        level--;
      }
    }
  }

  private Node findLast() {
    Node x = head;
    int level = (int) MAX_HEIGHT_VH.getOpaque(this) - 1;
    while (true) {
      Node next = x.next(level);
      if (next != null) {
        x = next;
      } else if (level == 0) {
        return x == head ? null : x;
      } else {
        level--;
      }
    }
  }

  /**
   * One entry plus its level-0 link. Most nodes (3 in 4) have height 1 and are exactly this; taller
   * ones are {@link TallNode}. Splitting the classes keeps the common node at four fields.
   */
  static class Node extends EntryNode {
    private static final VarHandle NEXT0;

    static {
      try {
        NEXT0 = MethodHandles.lookup().findVarHandle(Node.class, "next0", Node.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final long prefix; // see prefix(byte[])

    @SuppressWarnings("unused")
    private Node next0;

    Node(byte[] key, byte[] value, long seq) {
      super(key, value, seq);
      this.prefix = key == null ? 0 : prefix(key);
    }

    /** The successor at {@code level}, with acquire semantics (readers). */
    Node next(int level) {
      return level == 0 ? (Node) NEXT0.getAcquire(this) : ((TallNode) this).nextAbove(level);
    }

    /** The successor at {@code level}, plain (the writer, which is the only mutator). */
    Node nextPlain(int level) {
      return level == 0 ? next0 : ((TallNode) this).nextAbovePlain(level);
    }

    /** Sets a link of a node not yet reachable by readers. */
    void initNext(int level, Node n) {
      if (level == 0) {
        next0 = n;
      } else {
        ((TallNode) this).initAbove(level, n);
      }
    }

    /** Makes {@code n} reachable at {@code level}; its fields and links become visible with it. */
    void publishNext(int level, Node n) {
      if (level == 0) {
        NEXT0.setRelease(this, n);
      } else {
        ((TallNode) this).publishAbove(level, n);
      }
    }
  }

  /**
   * A node of height 2 or more. The level-1 link is a field: with compressed references it fits in
   * the padding the {@code upper} reference leaves, so height-2 nodes (3 in 4 of the tall ones)
   * need no array and a search at level 1 touches one object less. Links from level 2 up live in
   * {@code upper}, which is null for height 2.
   */
  static final class TallNode extends Node {
    private static final VarHandle NEXT1;
    private static final VarHandle UPPER = MethodHandles.arrayElementVarHandle(Node[].class);

    static {
      try {
        NEXT1 = MethodHandles.lookup().findVarHandle(TallNode.class, "next1", Node.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused")
    private Node next1;

    private final Node[] upper;

    TallNode(byte[] key, byte[] value, long seq, int height) {
      super(key, value, seq);
      this.upper = height > 2 ? new Node[height - 2] : null;
    }

    Node nextAbove(int level) {
      return level == 1 ? (Node) NEXT1.getAcquire(this) : (Node) UPPER.getAcquire(upper, level - 2);
    }

    Node nextAbovePlain(int level) {
      return level == 1 ? next1 : upper[level - 2];
    }

    void initAbove(int level, Node n) {
      if (level == 1) {
        next1 = n;
      } else {
        upper[level - 2] = n;
      }
    }

    void publishAbove(int level, Node n) {
      if (level == 1) {
        NEXT1.setRelease(this, n);
      } else {
        UPPER.setRelease(upper, level - 2, n);
      }
    }
  }

  /** Cursor over the list; one thread at a time. */
  private final class Iter extends NodeCursor {
    private Node node;

    @Override
    public boolean isValid() {
      return node != null;
    }

    @Override
    public void seekToFirst() {
      node = head.next(0);
    }

    @Override
    public void seekToLast() {
      node = findLast();
    }

    @Override
    public void seek(byte[] key, long seq) {
      node = findGreaterOrEqual(key, seq, null);
    }

    @Override
    public void seekForPrev(byte[] key, long seq) {
      node = findLessThan(key, seq, true);
    }

    @Override
    public void next() {
      node = current().next(0);
    }

    @Override
    public void prev() {
      // No back links (they would cost a field per node and a second publish per insert); a
      // search from the head finds the predecessor in O(log n).
      Node n = current();
      node = findLessThan(n.key, n.seq, false);
    }

    @Override
    protected Node current() {
      Node n = node;
      if (n == null) {
        throw new NoSuchElementException("iterator is not positioned at an entry");
      }
      return n;
    }
  }
}
