package io.kiwidb.reliability.lincheck;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.MemTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the memtables under their own contract: one writer at a time, any number of
 * lock-free readers. Lincheck runs random scenarios of puts, deletes, point reads and full scans on
 * several threads; the writes share a non-parallel group, which is exactly the single-writer rule
 * (the engine serialises writers under the memtable set's lock). Every result must match some
 * sequential order of the same operations.
 *
 * <p>The model checker explores thread interleavings at each shared-memory access of the memtable
 * (the skip list's release/acquire links, the red-black tree's volatile root), which real threads
 * hit only by luck; stress mode runs the same scenarios on real threads. Both are in-memory
 * structures, which is what the model checker supports (no NIO).
 *
 * <p>Lincheck builds a fresh instance of this class per scenario, so the fields are the state.
 * Lincheck's scenarios are drawn from its own generator; a failure prints the scenario and the
 * interleaving that broke it, which is what replaying needs. {@code -Psoak} runs 20 times longer.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "0:9")
public abstract class MemTableLincheckTest {
  /** Long runs under {@code -Psoak}; a quick pass in the default build. */
  private static final boolean SOAK = Boolean.getBoolean("kiwi.soak");

  private final MemTable table;
  private long seq; // the writer's own counter
  // Published after each add, as the engine publishes its visible sequence: readers read at it.
  private volatile long visible;

  /**
   * @param table a fresh, empty memtable. It must be deterministic: the model checker replays
   *     interleavings and fails on structure that differs between runs (a skip list seeded from the
   *     clock, say).
   */
  protected MemTableLincheckTest(MemTable table) {
    this.table = table;
  }

  private static byte[] key(int k) {
    return new byte[] {'k', (byte) k};
  }

  /** Writes {@code key = value} at the next sequence number. */
  @Operation(nonParallelGroup = "writer")
  public void put(@Param(name = "key") int k, @Param(name = "value") int v) {
    table.add(key(k), ++seq, EntryKind.PUT, new byte[] {(byte) v});
    visible = seq;
  }

  /** Writes a tombstone for {@code key}. */
  @Operation(nonParallelGroup = "writer")
  public void delete(@Param(name = "key") int k) {
    table.add(key(k), ++seq, EntryKind.DELETE, null);
    visible = seq;
  }

  /** The newest value of {@code key}: "-" for a tombstone, "absent" when never written. */
  @Operation
  public String get(@Param(name = "key") int k) {
    return render(table.get(key(k), visible));
  }

  /**
   * Every key's newest version at the visible sequence, in key order: what the engine's scan does
   * over a memtable. The iterator itself is weakly consistent (it may show writes made after it
   * started); reading at a sequence is what makes a scan a snapshot.
   */
  @Operation
  public List<String> scan() {
    long at = visible;
    List<String> out = new ArrayList<>();
    try (InternalIterator it = table.iterator()) {
      byte[] last = null;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        if (it.seq() > at) {
          continue; // written after the scan's sequence
        }
        // Versions of one key come newest first; the first visible one is the answer.
        if (last == null || !Arrays.equals(last, it.key())) {
          last = it.key();
          out.add(last[1] + "=" + render(it.entry()));
        }
      }
    }
    return out;
  }

  private static String render(InternalEntry e) {
    if (e == null) {
      return "absent";
    }
    return e.kind() == EntryKind.DELETE ? "-" : Integer.toString(e.value()[0]);
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(SOAK ? 100 : 5)
        .invocationsPerIteration(SOAK ? 1000 : 100)
        .threads(3)
        .actorsPerThread(3)
        .check(getClass());
  }

  @Test
  void stress() {
    new StressOptions()
        .iterations(SOAK ? 100 : 10)
        .invocationsPerIteration(SOAK ? 5000 : 300)
        .threads(3)
        .actorsPerThread(4)
        .check(getClass());
  }
}
