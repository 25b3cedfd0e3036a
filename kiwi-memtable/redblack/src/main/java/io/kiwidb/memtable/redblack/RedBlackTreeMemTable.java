package io.kiwidb.memtable.redblack;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.memtable.heap.EntryNode;
import io.kiwidb.memtable.heap.HeapLayout;
import io.kiwidb.memtable.heap.NodeCursor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A memtable on a persistent (path-copying) red-black tree behind a volatile root.
 *
 * <p>Why persistent: the engine reads memtables from many threads while one writer inserts. A
 * mutable red-black tree rotates nodes in place, so a lock-free reader could follow a link that is
 * half rewritten; guarding it with a read-write lock would make every read wait for inserts and
 * every insert wait for readers, and an iterator could not hold the lock between calls. Copying the
 * path instead (Okasaki's functional insertion) leaves every published node immutable: an insert
 * builds new copies of the O(log n) nodes on the path from the root, balances them, and publishes
 * the new root with one volatile write. Readers and iterators take the root once and walk a tree
 * that can never change under them.
 *
 * <p>The cost is garbage: each insert allocates about {@code 2 log2(n)} short-lived nodes that die
 * young, so inserts are slower than in the skip list (see {@code docs/benchmarks.md}). The retained
 * size is one 40-byte node per entry (with compressed references). In exchange the tree has
 * worst-case O(log n) depth with no randomness, and iterators are true point-in-time snapshots.
 *
 * <p>Thread safety: {@link #add} by one thread at a time, ordered by a happens-before edge between
 * successive callers (the engine's write lock); a second concurrent writer would lose inserts, not
 * corrupt readers. Everything else may run on any thread at any time without blocking. An iterator
 * reads the tree as of its creation and never sees later inserts.
 *
 * <p>Invariants (checked by {@link #checkInvariants} in tests): the tree is ordered by {@link
 * KeyOrder#compareInternal} with no duplicates; the root is black; no red node has a red child;
 * every path from the root to a leaf has the same number of black nodes, so the depth is at most
 * {@code 2 log2(n + 1)}. Published nodes are never modified.
 */
final class RedBlackTreeMemTable implements MemTable {
  private static final HeapLayout LAYOUT = HeapLayout.CURRENT;
  // key, value, left, right + seq + red.
  private static final long NODE_BYTES = LAYOUT.instance(4, 1, 0, 1);
  // This object: root reference, count and size.
  private static final long FIXED_BYTES = LAYOUT.instance(1, 2, 0, 0);

  private static final VarHandle COUNT;
  private static final VarHandle SIZE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      COUNT = l.findVarHandle(RedBlackTreeMemTable.class, "count", long.class);
      SIZE = l.findVarHandle(RedBlackTreeMemTable.class, "size", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Node root;

  @SuppressWarnings("unused")
  private long count;

  @SuppressWarnings("unused")
  private long size = FIXED_BYTES;

  /** Creates an empty memtable. */
  RedBlackTreeMemTable() {}

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
    Node r = insert(root, key, seq, value);
    root = r.red ? r.recolor(false) : r;
    long bytes =
        NODE_BYTES
            + LAYOUT.byteArray(key.length)
            + (value == null ? 0 : LAYOUT.byteArray(value.length));
    SIZE.setRelease(this, (long) SIZE.get(this) + bytes);
    COUNT.setRelease(this, (long) COUNT.get(this) + 1);
  }

  /**
   * Builds a balanced tree from sorted input in one pass when the tree is empty: the middle entry
   * becomes the root and each half is built the same way, so subtree sizes differ by at most one
   * and every path from the root to a null link has length {@code d} or {@code d + 1}, {@code d =
   * floor(log2(count + 1))}. Nodes at depth {@code d} (the partial last level) are coloured red and
   * all others black, so every such path crosses {@code d} black nodes and no red node has a child:
   * a valid red-black tree without a single rotation or path copy, published with one volatile
   * write of the root. A non-empty tree falls back to one {@link #add} per entry.
   */
  @Override
  public void addSorted(byte[][] keys, long[] seqs, byte[][] values, int count) {
    if (root != null) {
      MemTable.super.addSorted(keys, seqs, values, count);
      return;
    }
    MemTable.checkSorted(keys, seqs, values, count);
    if (count == 0) {
      return;
    }
    int fullLevels = 31 - Integer.numberOfLeadingZeros(count + 1); // floor(log2(count + 1))
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      bytes += sortedEntryBytes(keys[i], values[i]);
    }
    root = build(keys, seqs, values, 0, count, 0, fullLevels);
    SIZE.setRelease(this, (long) SIZE.get(this) + bytes);
    COUNT.setRelease(this, (long) count);
  }

  /** The balanced subtree of entries {@code [from, to)} whose root sits at {@code depth}. */
  private static Node build(
      byte[][] keys, long[] seqs, byte[][] values, int from, int to, int depth, int redDepth) {
    if (from >= to) {
      return null;
    }
    int mid = (from + to) >>> 1;
    Node left = build(keys, seqs, values, from, mid, depth + 1, redDepth);
    Node right = build(keys, seqs, values, mid + 1, to, depth + 1, redDepth);
    return new Node(keys[mid], values[mid], seqs[mid], depth == redDepth, left, right);
  }

  /** Exactly what {@link #add} charges: one node plus the key and value arrays. */
  @Override
  public long sortedEntryBytes(byte[] key, byte[] value) {
    return NODE_BYTES
        + LAYOUT.byteArray(key.length)
        + (value == null ? 0 : LAYOUT.byteArray(value.length));
  }

  @Override
  public InternalEntry get(byte[] key, long readSeq) {
    Node x = root;
    Node candidate = null;
    while (x != null) {
      if (compare(x, key, readSeq) >= 0) {
        candidate = x;
        x = x.left;
      } else {
        x = x.right;
      }
    }
    return candidate != null && Arrays.equals(candidate.key, key) ? candidate.entry() : null;
  }

  @Override
  public InternalIterator iterator() {
    return new Iter(root);
  }

  @Override
  public long entryCount() {
    return (long) COUNT.getAcquire(this);
  }

  @Override
  public long sizeBytes() {
    return (long) SIZE.getAcquire(this);
  }

  /**
   * Checks the red-black and ordering invariants of the current tree.
   *
   * @return the black height
   * @throws IllegalStateException naming the broken invariant
   */
  int checkInvariants() {
    Node r = root;
    if (r != null && r.red) {
      throw new IllegalStateException("root is red");
    }
    return blackHeight(r, null, 0, null, 0);
  }

  private static int blackHeight(Node n, byte[] loKey, long loSeq, byte[] hiKey, long hiSeq) {
    if (n == null) {
      return 1;
    }
    if (loKey != null && compare(n, loKey, loSeq) <= 0) {
      throw new IllegalStateException("node " + n.entry() + " is out of order");
    }
    if (hiKey != null && compare(n, hiKey, hiSeq) >= 0) {
      throw new IllegalStateException("node " + n.entry() + " is out of order");
    }
    if (n.red && ((n.left != null && n.left.red) || (n.right != null && n.right.red))) {
      throw new IllegalStateException("red node " + n.entry() + " has a red child");
    }
    int l = blackHeight(n.left, loKey, loSeq, n.key, n.seq);
    int r = blackHeight(n.right, n.key, n.seq, hiKey, hiSeq);
    if (l != r) {
      throw new IllegalStateException("black heights differ below " + n.entry());
    }
    return l + (n.red ? 0 : 1);
  }

  /** Compares a node with the target in internal order (key ascending, sequence descending). */
  private static int compare(Node n, byte[] key, long seq) {
    int c = Arrays.compareUnsigned(n.key, key);
    return c != 0 ? c : Long.compare(seq, n.seq);
  }

  /** A copy of the subtree {@code t} with the entry added; the result's root may be red. */
  private static Node insert(Node t, byte[] key, long seq, byte[] value) {
    if (t == null) {
      return new Node(key, value, seq, true, null, null);
    }
    int c = compare(t, key, seq);
    if (c > 0) {
      return balance(t, insert(t.left, key, seq, value), t.right);
    } else if (c < 0) {
      return balance(t, t.left, insert(t.right, key, seq, value));
    }
    throw new IllegalArgumentException("sequence " + seq + " is already in this memtable");
  }

  /**
   * A copy of {@code t} with new children, rebalanced: Okasaki's four red-red cases under a black
   * node all become one red node with two black children.
   */
  private static Node balance(Node t, Node l, Node r) {
    if (!t.red) {
      if (isRed(l)) {
        if (isRed(l.left)) {
          return l.with(true, l.left.recolor(false), t.with(false, l.right, r));
        }
        if (isRed(l.right)) {
          Node m = l.right;
          return m.with(true, l.with(false, l.left, m.left), t.with(false, m.right, r));
        }
      }
      if (isRed(r)) {
        if (isRed(r.left)) {
          Node m = r.left;
          return m.with(true, t.with(false, l, m.left), r.with(false, m.right, r.right));
        }
        if (isRed(r.right)) {
          return r.with(true, t.with(false, l, r.left), r.right.recolor(false));
        }
      }
    }
    return t.with(t.red, l, r);
  }

  private static boolean isRed(Node n) {
    return n != null && n.red;
  }

  /** An immutable tree node; all fields final, so publication through the root is safe. */
  static final class Node extends EntryNode {
    final boolean red;
    final Node left;
    final Node right;

    Node(byte[] key, byte[] value, long seq, boolean red, Node left, Node right) {
      super(key, value, seq);
      this.red = red;
      this.left = left;
      this.right = right;
    }

    Node with(boolean red, Node left, Node right) {
      return new Node(key, value, seq, red, left, right);
    }

    Node recolor(boolean red) {
      return red == this.red ? this : new Node(key, value, seq, red, left, right);
    }
  }

  /**
   * Cursor over one version of the tree. Without parent links, it keeps the path from the root to
   * the current node; next and prev walk that path, amortised O(1) per step.
   */
  private static final class Iter extends NodeCursor {
    private final Node root;
    private Node[] path = new Node[64];
    private int depth; // path[0..depth) is root..current; 0 when not positioned

    Iter(Node root) {
      this.root = root;
    }

    @Override
    public boolean isValid() {
      return depth > 0;
    }

    @Override
    public void seekToFirst() {
      depth = 0;
      descend(root, true);
    }

    @Override
    public void seekToLast() {
      depth = 0;
      descend(root, false);
    }

    @Override
    public void seek(byte[] key, long seq) {
      // The answer is the last node on the search path that is >= target; the path to it is a
      // prefix of the search path.
      depth = 0;
      int keep = 0;
      for (Node x = root; x != null; ) {
        push(x);
        if (compare(x, key, seq) >= 0) {
          keep = depth;
          x = x.left;
        } else {
          x = x.right;
        }
      }
      depth = keep;
    }

    @Override
    public void seekForPrev(byte[] key, long seq) {
      depth = 0;
      int keep = 0;
      for (Node x = root; x != null; ) {
        push(x);
        if (compare(x, key, seq) <= 0) {
          keep = depth;
          x = x.right;
        } else {
          x = x.left;
        }
      }
      depth = keep;
    }

    @Override
    public void next() {
      Node n = current();
      if (n.right != null) {
        descend(n.right, true);
        return;
      }
      // Climb while we are a right child; the first ancestor reached from its left is next.
      while (true) {
        Node child = path[--depth];
        if (depth == 0) {
          return;
        }
        if (path[depth - 1].left == child) {
          return;
        }
      }
    }

    @Override
    public void prev() {
      Node n = current();
      if (n.left != null) {
        descend(n.left, false);
        return;
      }
      while (true) {
        Node child = path[--depth];
        if (depth == 0) {
          return;
        }
        if (path[depth - 1].right == child) {
          return;
        }
      }
    }

    /** Pushes {@code x} and its leftmost (or rightmost) descendants. */
    private void descend(Node x, boolean leftmost) {
      while (x != null) {
        push(x);
        x = leftmost ? x.left : x.right;
      }
    }

    private void push(Node x) {
      if (depth == path.length) {
        path = Arrays.copyOf(path, depth * 2);
      }
      path[depth++] = x;
    }

    @Override
    protected Node current() {
      if (depth == 0) {
        throw new NoSuchElementException("iterator is not positioned at an entry");
      }
      return path[depth - 1];
    }
  }
}
