package io.kiwidb.compaction;

import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.compaction.merge.MergingIterator;
import java.util.List;

/** Iterators the read path shares with compaction. */
public final class InternalIterators {
  private InternalIterators() {}

  /**
   * One iterator over several sorted sources in internal key order (a heap merge). Sources are
   * given newest first; equal internal keys cannot occur, since sequence numbers are unique. The
   * result owns the sources and closes them.
   */
  public static InternalIterator merge(List<? extends InternalIterator> sources) {
    return new MergingIterator(sources);
  }
}
