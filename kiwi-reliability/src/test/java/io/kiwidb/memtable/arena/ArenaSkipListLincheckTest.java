package io.kiwidb.memtable.arena;

import io.kiwidb.reliability.lincheck.MemTableLincheckTest;

/**
 * The arena memtable under Lincheck: its links are release/acquire accesses to elements of {@code
 * long[]} chunks, and a new chunk's slot in the chunk table must be visible before any node in it.
 * In the arena's package (these tests run on the class path) to fix the height seed, as {@code
 * SkipListLincheckTest} does.
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
}
