package io.kiwidb.memtable.heap;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;

/**
 * The part of a memtable node that every implementation shares: one version of one key. Subclasses
 * add their links (skip-list towers, tree children).
 *
 * <p>Invariants: the fields are final and set before the node is published, so a reader that sees
 * the node sees them. {@code value} is null exactly for a tombstone.
 */
public abstract class EntryNode {
  /** The user key; never null except in a skip list's head sentinel. */
  public final byte[] key;

  /** The value, or null for a tombstone. */
  public final byte[] value;

  /** The sequence number of the write. */
  public final long seq;

  protected EntryNode(byte[] key, byte[] value, long seq) {
    this.key = key;
    this.value = value;
    this.seq = seq;
  }

  /** Whether this version is a put or a tombstone. */
  public final EntryKind kind() {
    return value == null ? EntryKind.DELETE : EntryKind.PUT;
  }

  /** This version as an immutable entry (shares the key and value arrays). */
  public final InternalEntry entry() {
    return new InternalEntry(key, seq, kind(), value);
  }
}
