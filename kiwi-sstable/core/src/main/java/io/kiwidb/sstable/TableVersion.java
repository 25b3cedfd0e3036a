package io.kiwidb.sstable;

import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One version of the level structure, pinned: while it is open none of its table files is deleted,
 * so iterators over it stay valid. Get one from {@link TableStore#acquire()} and close it when done
 * (an engine iterator closes the one it holds when it is closed).
 *
 * <p>Thread safety: every method may be called from any thread; iterators are for one thread each.
 * {@link #close()} is idempotent.
 */
public interface TableVersion extends AutoCloseable {
  /** Levels, L0 included. */
  int levelCount();

  /** The files of a level: L0 newest first, deeper levels by smallest key. */
  List<TableMeta> level(int level);

  /**
   * The view a compaction picker sees.
   *
   * @param busy files running compactions hold
   * @param cursors the pickers' compaction cursors, by level
   */
  LevelView levelView(Set<Long> busy, Map<Integer, byte[]> cursors);

  /**
   * Iterators for a merged read of every table: one per L0 file, newest first, then one lazily
   * concatenating iterator per non-empty deeper level.
   */
  List<InternalIterator> iterators();

  /** An iterator over one table of this version. */
  InternalIterator iterator(TableMeta table);

  /**
   * An iterator over files of one level below L0, concatenated: they must be disjoint and sorted by
   * key, as a level's are. Opens each file only when the iteration reaches it.
   */
  InternalIterator concatenated(List<TableMeta> files);

  /** Releases the pin. */
  @Override
  void close();
}
