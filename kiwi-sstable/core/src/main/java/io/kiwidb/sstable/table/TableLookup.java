package io.kiwidb.sstable.table;

import io.kiwidb.api.LookupTrace;
import io.kiwidb.api.LookupTrace.Answer;
import io.kiwidb.api.LookupTrace.CacheAnswer;
import io.kiwidb.api.LookupTrace.FilterAnswer;
import io.kiwidb.api.spi.InternalEntry;

/**
 * The result of {@link TableReader#get}: the newest visible version (a value or a tombstone) or
 * nothing, plus what the lookup did on the way, for {@code trace}.
 *
 * @param entry the newest version with sequence {@code <= readSeq}, or {@code null}
 * @param answer FOUND, TOMBSTONE, ABSENT, or OUT_OF_RANGE (key outside the table's key range)
 * @param filter what the filter said (NOT_CHECKED without a filter or a known policy)
 * @param cache whether the data block came from the block cache (NOT_READ if none was read)
 */
public record TableLookup(
    InternalEntry entry, Answer answer, FilterAnswer filter, CacheAnswer cache) {

  /**
   * Whether this table settled the lookup (a value or a tombstone): deeper layers need not look.
   */
  public boolean isFound() {
    return entry != null;
  }

  /** This lookup as one step of a {@link LookupTrace}. */
  public LookupTrace.Step toStep(String layer, String source) {
    return new LookupTrace.Step(
        layer, source, filter, cache, answer, entry == null ? 0 : entry.seq());
  }
}
