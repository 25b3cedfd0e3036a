package io.kiwidb.api;

import java.util.List;

/**
 * A point lookup followed step by step, from {@link StorageEngine#trace(byte[])}: every layer the
 * read visited, in order, and what each answered. The last step is where the answer came from
 * (unless every layer said absent).
 *
 * @param key the key looked up
 * @param readSequence the sequence number the lookup read at
 * @param steps the layers visited, in order
 * @param outcome the final answer
 * @param value the value found, or {@code null}
 */
public record LookupTrace(
    byte[] key, long readSequence, List<Step> steps, Answer outcome, byte[] value) {
  /** Makes the list read-only. */
  public LookupTrace {
    steps = List.copyOf(steps);
  }

  /** What a layer (or the whole lookup) answered. */
  public enum Answer {
    /** A value for the key. */
    FOUND,
    /** A tombstone: the key is deleted. */
    TOMBSTONE,
    /** Nothing for the key here; the lookup goes on. */
    ABSENT,
    /** The layer was not searched: the key is outside its key range. */
    OUT_OF_RANGE
  }

  /** What a filter said before any block was read. */
  public enum FilterAnswer {
    /** No filter was consulted (memtables, tables without a filter, out of range). */
    NOT_CHECKED,
    /** The filter said the key is certainly absent; no block was read. */
    NO,
    /** The filter said the key may be present; blocks were read. */
    MAYBE
  }

  /** Whether the data block came from the block cache. */
  public enum CacheAnswer {
    /** No block was read. */
    NOT_READ,
    /** The block was in the cache. */
    HIT,
    /** The block was read from the file. */
    MISS
  }

  /**
   * One layer of the lookup.
   *
   * @param layer {@code "memtable"}, {@code "immutable"}, or a level name such as {@code "L0"}
   * @param source the memtable's or file's id
   * @param filter what the filter said
   * @param cache whether the block came from cache
   * @param answer what this layer answered
   * @param seq the sequence number of the version found here, or 0
   */
  public record Step(
      String layer,
      String source,
      FilterAnswer filter,
      CacheAnswer cache,
      Answer answer,
      long seq) {}
}
