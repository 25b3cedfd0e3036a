package io.kiwidb.compaction;

import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.sstable.TableStore;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * The jobs that write tables from merged, pruned input: a flush turns a frozen memtable into an L0
 * table, a compaction runs a plan a {@link io.kiwidb.api.spi.CompactionStrategy} picked. Both drop
 * the versions no live snapshot can see (as RocksDB's flush and compaction both do), so a key
 * overwritten while it sat in a memtable is written once.
 *
 * <p>Thread safety: safe from any thread; concurrent jobs must not share input files (the
 * scheduler's busy set guarantees it).
 */
public interface Compactor {
  /** The jobs, writing into and installing in {@code tables}. */
  static Compactor create(TableStore tables) {
    return new io.kiwidb.compaction.merge.MergeJob(tables);
  }

  /**
   * Writes one L0 table from a memtable's entries, keeping every version some snapshot can see and
   * every tombstone (a flush cannot know what older tables hold). The table is complete and synced
   * but not yet live: the caller installs it in memtable order.
   *
   * @param memtable the entries, unpositioned; closed here
   * @param snapshots the sequence numbers of the live snapshots
   * @return the table, at level 0
   * @throws IOException if the table cannot be written (or {@link io.kiwidb.api.KiwiIOException}
   *     from the table store); nothing is left behind
   */
  TableMeta flush(InternalIterator memtable, Collection<Long> snapshots) throws IOException;

  /**
   * Runs a compaction: merges the plan's inputs (L0 files newest first, then one concatenated run
   * per deeper level), drops what no snapshot can see and the tombstones nothing below the output
   * level needs, writes output files split between user keys at the plan's target size (and, when
   * the plan asks, along the files of the level below), and installs the result with one atomic
   * edit. A trivial move re-levels its one input without rewriting it.
   *
   * @param plan what to compact
   * @param view the view the plan was picked from: its deeper levels decide which tombstones go
   * @param snapshots the sequence numbers of the live snapshots, read after the plan was picked
   * @return the files installed, at the output level
   * @throws IOException if an output cannot be written (or {@link io.kiwidb.api.KiwiIOException}
   *     from the table store); the outputs written so far are deleted and the level structure is
   *     unchanged
   */
  List<TableMeta> compact(CompactionPlan plan, LevelView view, Collection<Long> snapshots)
      throws IOException;
}
