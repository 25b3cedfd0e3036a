package io.kiwidb.reliability.crash;

import static io.kiwidb.reliability.crash.CrashTesting.b;
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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12, item 5: the i-th I/O operation fails, for i = 1, 2, ... until a run completes without
 * reaching it; once ({@link Fault#TRANSIENT}) and from then on ({@link Fault#PERSISTENT}). Every
 * kind of operation counts: opens, reads, writes, syncs, renames, deletes, listings, locks. The run
 * is an open, a seeded workload of puts, deletes, batches and flushes with a read after each step
 * (tiny memtables, so flushes and compactions run too), and a close. What must hold:
 *
 * <ul>
 *   <li>no read ever returns a wrong value (a read may fail, with an exception);
 *   <li>the failure reaches someone: a call throws, or the engine enters its background-error
 *       state; or else it was harmless (a failed delete of an obsolete file, say), which is checked
 *       by reading every key from the still-running engine;
 *   <li>after the disk heals, the store reopens, every acknowledged write is there, and a failed
 *       write is either fully there or not at all.
 * </ul>
 */
@ExtendWith(SeededRandomExtension.class)
class FailingIoTest {
  private static final Path ROOT = Path.of("/db");

  @Test
  void transientFailureAtEveryOperation(SeededRandom random) {
    sweep(Fault.TRANSIENT, random.nextLong());
  }

  @Test
  void persistentFailureFromEveryOperation(SeededRandom random) {
    sweep(Fault.PERSISTENT, random.nextLong());
  }

  private static Map<String, Object> config() {
    Map<String, Object> c = CrashTesting.tinyConfig("always");
    c.put("max_memtable_entries", 8);
    return c;
  }

  private void sweep(Fault fault, long seed) {
    Workload w = new Workload(seed, CrashTesting.soak() ? 150 : 50, 12);
    long started = System.nanoTime();
    int openFailed = 0;
    int reachedCaller = 0;
    int backgroundOnly = 0;
    int harmless = 0;
    int duringClose = 0;
    int closeFailed = 0;
    long i = 1;
    for (; ; i++) {
      FaultInjectingFileSystem fs = FaultInjectingFileSystem.inMemory();
      CrashTesting.writeConfig(fs, ROOT, config());
      fs.failAt(Op.ALL, i, fault);
      Expectations model = new Expectations();
      Random reads = new Random(seed + i);
      boolean callerSaw = false;
      StorageEngine engine = null;
      try {
        engine = LsmEngine.open(fs, ROOT, null);
      } catch (RuntimeException e) {
        callerSaw = true;
        openFailed++;
      }
      if (engine != null) {
        for (Workload.Step step : w.steps) {
          try {
            step.apply(engine);
            step.effects().forEach(model::acked);
          } catch (RuntimeException e) {
            callerSaw = true;
            step.effects().forEach(model::maybe);
          }
          String key = w.keys.get(reads.nextInt(w.keys.size()));
          try {
            String got = engine.get(b(key)).map(CrashTesting::s).orElse(null);
            if (!model.allowed(key).contains(got)) {
              fail(fault + " i=" + i + ": get(" + key + ") returned a wrong value: " + got);
            }
          } catch (RuntimeException e) {
            callerSaw = true; // a failed read is reported, never a wrong value
          }
        }
        boolean background = ((LsmEngine) engine).backgroundError().isPresent();
        if (fs.injectedFaults() > 0 && !callerSaw) {
          if (background) {
            backgroundOnly++;
          } else {
            // Nobody was told yet: reading every key either reports the failure (a read throws;
            // a persistent fault after a swallowed one, say) or shows that it cost nothing.
            boolean readFailed = false;
            for (String key : w.keys) {
              String got;
              try {
                got = engine.get(b(key)).map(CrashTesting::s).orElse(null);
              } catch (RuntimeException e) {
                readFailed = true;
                continue;
              }
              if (!model.allowed(key).contains(got)) {
                fail(fault + " i=" + i + ": an unreported failure changed " + key + " to " + got);
              }
            }
            if (readFailed) {
              reachedCaller++;
            } else {
              harmless++;
            }
          }
        } else if (callerSaw) {
          reachedCaller++;
        }
        long beforeClose = fs.injectedFaults();
        try {
          engine.close();
        } catch (RuntimeException e) {
          closeFailed++;
        }
        if (beforeClose == 0 && fs.injectedFaults() > 0) {
          duringClose++;
        }
      }
      boolean reached = fs.injectedFaults() > 0;
      fs.heal();
      try (StorageEngine reopened = LsmEngine.open(fs, ROOT, null)) {
        List<String> problems =
            model.checkAndSettle(
                k -> reopened.get(b(k)).map(CrashTesting::s).orElse(null),
                CrashTesting.scan(reopened));
        if (!problems.isEmpty()) {
          fail(fault + " i=" + i + ": after reopen: " + problems);
        }
      }
      if (!reached) {
        break; // the run completed before its i-th operation: every operation has failed once
      }
      if (i > 20_000) {
        fail("the workload never completes");
      }
    }
    assertTrue(reachedCaller > 0, "some failures must reach the caller");
    System.out.printf(
        "[figures] failing I/O (%s): %d runs (open failed %d, caller told %d, background error"
            + " only %d, harmless %d, at close %d, close threw %d), %.1f s%n",
        fault,
        i,
        openFailed,
        reachedCaller,
        backgroundOnly,
        harmless,
        duringClose,
        closeFailed,
        (System.nanoTime() - started) / 1e9);
  }
}
