package io.kiwidb.engine;

import io.kiwidb.memtable.FrozenMemTable;

/** What the write path tells the flush pipeline: a memtable was frozen and awaits its flush. */
@FunctionalInterface
interface FlushTrigger {
  /** Called by the commit leader right after the freeze and the log roll. */
  void memTableFrozen(FrozenMemTable frozen);
}
