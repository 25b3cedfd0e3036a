package io.kiwidb.memtable.arena;

import io.kiwidb.reliability.lincheck.MemTableLincheckTest;

/**
 * The arena memtable under Lincheck, in stress mode (see {@link #modelCheckable}): its links are
 * release/acquire accesses to a {@code long} view of byte-array chunks, and a new chunk's slot in
 * the chunk table must be visible before any node in it. In the arena's package (these tests run on
 * the class path) to fix the height seed, as {@code SkipListLincheckTest} does.
 */
public class ArenaSkipListLincheckTest extends MemTableLincheckTest {
  /**
   * Lincheck's constructor: a fresh list per scenario, with a fixed height seed, and chunks so
   * small (64 bytes, a one-slot chunk table to start) that nearly every write opens a new chunk and
   * often grows the table, under the readers' feet.
   */
  public ArenaSkipListLincheckTest() {
    super(new ArenaSkipListMemTable(42, 64, 64, 1));
  }

  /**
   * No: Lincheck's model checker (3.x) fails on byte-array view VarHandles ("Unsupported VarHandle
   * type: VarHandleByteArrayAsLongs$ArrayHandle"), which is how the arena reads and publishes its
   * links. Stress mode runs the same scenarios on real threads.
   */
  @Override
  protected boolean modelCheckable() {
    return false;
  }
}
