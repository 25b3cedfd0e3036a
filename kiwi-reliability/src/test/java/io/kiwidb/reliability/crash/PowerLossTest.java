package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kiwidb.api.StorageEngine;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.testkit.FaultInjectingFileSystem;
import io.kiwidb.testkit.FaultInjectingFileSystem.Fault;
import io.kiwidb.testkit.FaultInjectingFileSystem.Op;
import io.kiwidb.testkit.SeededRandom;
import io.kiwidb.testkit.SeededRandomExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12, item 2: power loss at every mutating I/O operation. A small seeded workload (puts,
 * deletes, batches, flushes; tiny memtables so flushes and compactions run in the background) is
 * run once to count its writes, syncs, creates, renames, deletes and directory syncs; then, for
 * every k, it is run again on a fresh in-memory disk that "loses power" at the k-th of them: that
 * operation and everything after it fail, the engine is abandoned, and every byte and directory
 * entry that was not synced is dropped ({@link io.kiwidb.testkit.InMemoryFileSystem#crash()}). The
 * store is reopened and read in full:
 *
 * <ul>
 *   <li>the state must be exactly the state after some prefix of the history (no holes: never a
 *       later write without an earlier one, never half a batch, never a deleted key back);
 *   <li>with {@code wal_sync_mode=always} that prefix must include every acknowledged call (it is
 *       the acknowledged ones, or those plus the call that was in flight);
 *   <li>the reopened store accepts writes.
 * </ul>
 *
 * <p>Background threads make the exact interleaving differ a little between runs, so "the k-th
 * operation" lands on neighbouring operations from run to run; over all k every step is covered.
 * Default: a 100-step workload, every k. {@code -Psoak}: a 300-step workload, every k.
 */
@ExtendWith(SeededRandomExtension.class)
class PowerLossTest {
  private static final Path ROOT = Path.of("/db");

  @Test
  void powerLossAtEveryMutatingOperationKeepsAcknowledgedWritesWithSyncAlways(SeededRandom random) {
    sweep("always", random.nextLong());
  }

  @Test
  void powerLossAtEveryMutatingOperationLeavesAPrefixWithSyncNone(SeededRandom random) {
    sweep("none", random.nextLong());
  }

  private static Map<String, Object> config(String syncMode) {
    Map<String, Object> c = CrashTesting.tinyConfig(syncMode);
    c.put("max_memtable_entries", 8);
    return c;
  }

  private void sweep(String syncMode, long seed) {
    Workload w = new Workload(seed, CrashTesting.soak() ? 300 : 100, 16);
    FaultInjectingFileSystem dry = FaultInjectingFileSystem.inMemory();
    CrashTesting.writeConfig(dry, ROOT, config(syncMode));
    long before = dry.count(Op.MUTATING);
    assertEquals(w.steps.size(), runUntilFailure(dry, w), "the dry run must complete");
    long total = dry.count(Op.MUTATING) - before;
    long started = System.nanoTime();
    long keysChecked = 0;
    int crashesBeforeLastStep = 0;
    for (long k = 1; k <= total + 1; k++) {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      CrashTesting.writeConfig(fs, ROOT, config(syncMode));
      fs.failAt(Op.MUTATING, k, Fault.CRASH);
      int acked = runUntilFailure(fs, w);
      if (acked < w.steps.size()) {
        crashesBeforeLastStep++;
      }
      fs.crash();
      try (StorageEngine engine = LsmEngine.open(fs, ROOT, null)) {
        Map<String, String> observed = w.read(engine);
        assertEquals(observed, CrashTesting.scan(engine), "k=" + k + ": get and scan disagree");
        keysChecked += w.keys.size();
        int lowest = syncMode.equals("always") ? acked : 0;
        List<Integer> prefixes = w.matchingPrefixes(observed, lowest, acked + 1);
        if (prefixes.isEmpty()) {
          fail(
              "k="
                  + k
                  + " ("
                  + syncMode
                  + "): after "
                  + acked
                  + " acknowledged steps the state "
                  + observed.keySet()
                  + " is not the state after any prefix of "
                  + lowest
                  + ".."
                  + (acked + 1)
                  + " steps; closest expected "
                  + w.states.get(Math.min(acked, w.steps.size())).keySet());
        }
        engine.put(b("after-crash"), b("ok"));
        assertArrayEquals(b("ok"), engine.get(b("after-crash")).orElseThrow());
      }
    }
    assertTrue(crashesBeforeLastStep > 0, "some crashes must land inside the workload");
    System.out.printf(
        "[figures] power loss (%s): %d crash points (%d inside the workload of %d steps), %d key"
            + " checks, %.1f s%n",
        syncMode,
        total + 1,
        crashesBeforeLastStep,
        w.steps.size(),
        keysChecked,
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Opens the store and runs the workload, stopping at the first call that fails; then closes the
   * engine (quietly: the disk may be dead).
   *
   * @return how many steps were acknowledged
   */
  static int runUntilFailure(FaultInjectingFileSystem fs, Workload w) {
    StorageEngine engine;
    try {
      engine = LsmEngine.open(fs, ROOT, null);
    } catch (RuntimeException e) {
      return 0; // the crash hit the open
    }
    int acked = 0;
    try {
      for (Workload.Step step : w.steps) {
        step.apply(engine);
        acked++;
      }
    } catch (RuntimeException e) {
      // The first failed call: it and everything after it are unacknowledged.
    }
    CrashTesting.closeQuietly(engine);
    return acked;
  }
}
