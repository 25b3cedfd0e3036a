package io.kiwidb.memtable.skiplist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.testkit.MemTableContract;
import org.junit.jupiter.api.Test;

/** The memtable contract for {@code skiplist}, plus checks specific to the skip list. */
class SkipListMemTableTest extends MemTableContract {
  @Override
  protected MemTableFactory factory() {
    return new SkipListMemTableFactory();
  }

  @Test
  void rejectsASequenceAlreadyPresentForTheSameKey() {
    SkipListMemTable t = new SkipListMemTable(42);
    t.add(new byte[] {1}, 5, EntryKind.PUT, new byte[] {1});
    assertThrows(
        IllegalArgumentException.class, () -> t.add(new byte[] {1}, 5, EntryKind.DELETE, null));
    assertEquals(1, t.entryCount());
  }

  @Test
  void rejectsSequencesOutsideTheInternalRange() {
    SkipListMemTable t = new SkipListMemTable(42);
    assertThrows(
        IllegalArgumentException.class,
        () -> t.add(new byte[] {1}, -1, EntryKind.PUT, new byte[0]));
    assertThrows(
        IllegalArgumentException.class,
        () -> t.add(new byte[] {1}, 1L << 56, EntryKind.PUT, new byte[0]));
  }
}
