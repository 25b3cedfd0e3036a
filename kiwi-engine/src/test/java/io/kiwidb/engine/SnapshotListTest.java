package io.kiwidb.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.EngineClosedException;
import io.kiwidb.api.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotListTest {
  /**
   * Regression test (found while checking issue 9): the engine read the visible sequence before
   * calling {@code take}, so between the two a compaction could read the snapshot list without the
   * new snapshot and drop versions it needed. The sequence must be read under the list's lock,
   * which {@link SnapshotList#sequences} (what a compaction reads) also takes.
   */
  @Test
  void theSequenceIsReadUnderTheListLock() {
    SnapshotList list = new SnapshotList();
    boolean[] locked = new boolean[1];
    Snapshot s =
        list.take(
            () -> {
              locked[0] = Thread.holdsLock(list);
              return 42;
            },
            () -> {});
    assertTrue(locked[0], "the sequence must be read while the list is locked");
    assertEquals(42, s.sequence());
    assertEquals(List.of(42L), list.sequences());
  }

  @Test
  void snapshotsAreCountedPerSequenceAndReleasedOnce() {
    SnapshotList list = new SnapshotList();
    Snapshot a = list.take(() -> 5, () -> {});
    Snapshot b = list.take(() -> 5, () -> {});
    Snapshot c = list.take(() -> 9, () -> {});
    assertEquals(3, list.count());
    assertEquals(5, list.oldest());
    a.close();
    a.close();
    assertEquals(List.of(5L, 9L), list.sequences(), "b still holds 5");
    b.close();
    assertEquals(List.of(9L), list.sequences());
    assertThrows(EngineClosedException.class, b::sequence);
    c.close();
    assertEquals(Long.MAX_VALUE, list.oldest());
    assertEquals(0, list.count());
  }
}
