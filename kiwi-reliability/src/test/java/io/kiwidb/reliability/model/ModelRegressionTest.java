package io.kiwidb.reliability.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Saved model logs, replayed on every cell of the matrix, and checks that the model machinery
 * itself works: the text format round-trips, the runner notices a store that disagrees with the
 * model, and the shrinker finds a minimal failing log.
 *
 * <p>When a model run fails, paste its shrunk log here as a new case (named after what broke), fix
 * the engine, and keep the case.
 */
class ModelRegressionTest {
  /** Long-lived iterators and snapshots across a flush, a compaction wait and a power cut. */
  static final String PINNED_ACROSS_CRASH =
      """
      put 61 v1:10
      put 6100 v2:3000
      put ff v3:0
      snap-take 0
      iter-open 1 lo=- hi=- pre=- snap=-
      iter-seek 1 first
      del 61
      put 62 v4:5
      flush
      put 61 v5:7
      flush
      await-compaction
      iter-step 1 next 5
      scan lo=- hi=- pre=- snap=0 rev seek=last limit=10
      snap-get 0 61
      crash
      get 61
      scan lo=- hi=- pre=ff snap=- fwd seek=first limit=10
      """;

  /** Snapshot stripes through compactions, then release and more compactions. */
  static final String SNAPSHOT_STRIPES =
      """
      put 6b0001 v1:4000
      snap-take 0
      put 6b0001 v2:4000
      snap-take 1
      del 6b0001
      batch put 6b0002 v3:1, del 6b0001, put 6b0001 v4:2
      flush
      put 00 v5:1
      flush
      await-compaction
      snap-get 0 6b0001
      snap-get 1 6b0001
      get 6b0001
      snap-release 0
      put 00 v6:1
      flush
      put ffff v7:1
      flush
      await-compaction
      snap-get 1 6b0001
      scan lo=- hi=- pre=6b snap=1 fwd seek=first limit=10
      reopen
      get 6b0001
      """;

  /** Bounds and prefixes at the 0xff edge, with tombstones at the edges, in tables. */
  static final String FF_EDGES =
      """
      batch put ff v1:1, put ff00 v2:1, put ffff v3:1, put ffffff v4:1, put fe v5:1
      batch put 61ff v6:1, put 61ffff v7:1, put 62 v8:1, put 6200 v9:1
      flush
      del ffffff
      del 62
      flush
      scan lo=- hi=- pre=ff snap=- fwd seek=first limit=10
      scan lo=- hi=- pre=ff snap=- rev seek=last limit=10
      scan lo=- hi=- pre=ffff snap=- rev seek=le:ffffffff limit=10
      scan lo=- hi=- pre=61ff snap=- fwd seek=ge:61 limit=10
      scan lo=62 hi=62 pre=- snap=- fwd seek=first limit=10
      scan lo=ff00 hi=61 pre=- snap=- rev seek=last limit=10
      scan lo=ffff hi=- pre=ff snap=- rev seek=le:ff00 limit=10
      iter-open 0 lo=fe hi=ffff pre=- snap=-
      iter-seek 0 last
      iter-step 0 prev 5
      iter-seek 0 ge:00
      iter-step 0 next 5
      """;

  static List<String> logs() {
    return List.of(PINNED_ACROSS_CRASH, SNAPSHOT_STRIPES, FF_EDGES);
  }

  @BeforeAll
  static void quiet() {
    QuietLogs.install();
  }

  @ParameterizedTest(name = "{0}/{1}/{2}")
  @MethodSource("io.kiwidb.reliability.model.ModelBasedTest#matrix")
  void savedLogsPassOnEveryCell(String mem, String filter, String comp) {
    for (String text : logs()) {
      List<Op> log = Op.parseAll(text);
      ModelConfig config = ModelConfig.draw(mem, filter, comp, new Random(1));
      ModelRunner.Result r = ModelRunner.run(config, log, 7L);
      assertEquals(log.size(), r.ops());
    }
  }

  @Test
  void everyOpPrintsAsTheLineItParsesFrom() {
    List<Op> log = new OpGenerator(new Random(3)).log(2000);
    List<Op> again = Op.parseAll(LogShrinker.format(log));
    assertTrue(Op.sameLog(log, again), "format/parse must round-trip");
    for (String text : logs()) {
      List<Op> saved = Op.parseAll(text);
      assertTrue(Op.sameLog(saved, Op.parseAll(LogShrinker.format(saved))));
    }
  }

  /** A runner that could not fail would prove nothing: tamper with the store behind its back. */
  @Test
  void theRunnerNoticesAStoreThatDisagreesWithTheModel() {
    ModelConfig config = ModelConfig.draw("skiplist", "bloom", "leveled", new Random(1));
    byte[] key = Bytes.fromHex("61");
    try (ModelRunner runner = new ModelRunner(config, null)) {
      runner.apply(0, Op.parse("put 61 v1:10"));
      runner.engine().put(key, Op.value(2, 10));
      ModelMismatch get =
          assertThrows(ModelMismatch.class, () -> runner.apply(1, Op.parse("get 61")));
      assertTrue(
          get.getMessage().contains("expected v1:10, engine returned v2:10"), get.getMessage());
      runner.engine().put(Bytes.fromHex("62"), Op.value(3, 1));
      ModelMismatch scan =
          assertThrows(
              ModelMismatch.class,
              () ->
                  runner.apply(2, Op.parse("scan lo=- hi=- pre=- snap=- fwd seek=first limit=9")));
      assertTrue(scan.getMessage().contains("scan"), scan.getMessage());
    }
    try (ModelRunner runner = new ModelRunner(config, null)) {
      runner.apply(0, Op.parse("put 61 v1:10"));
      runner.engine().delete(key);
      ModelMismatch reopen =
          assertThrows(ModelMismatch.class, () -> runner.apply(1, Op.parse("crash")));
      // Found by the sequence check at reopen, or else by the full comparison after it.
      assertTrue(reopen.getMessage().contains("[crash]"), reopen.getMessage());
    }
  }

  @Test
  void theConcurrentReaderNoticesAWriteTheHistoryLacks() {
    ModelConfig config = ModelConfig.draw("redblack", "none", "tiered", new Random(1));
    try (ModelRunner runner = new ModelRunner(config, 5L)) {
      runner.apply(0, Op.parse("put 61 v1:10"));
      // Behind the history's back: readers now see a value no write of the log produced.
      runner.engine().put(Bytes.fromHex("61"), Op.value(9, 10));
      long deadline = System.currentTimeMillis() + 20_000;
      ModelMismatch seen = null;
      for (int i = 1; seen == null && System.currentTimeMillis() < deadline; i++) {
        try {
          runner.apply(i, Op.parse("get 00"));
          Thread.sleep(2);
        } catch (ModelMismatch e) {
          seen = e;
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      assertTrue(seen != null && seen.getMessage().contains("concurrent reader"), "" + seen);
    }
  }

  @Test
  void theShrinkerFindsTheTwoOpsThatMatter() {
    List<Op> log = new OpGenerator(new Random(11)).log(300);
    Op culpritA = log.get(41);
    Op culpritB = log.get(250);
    LogShrinker shrinker =
        new LogShrinker(l -> l.contains(culpritA) && l.contains(culpritB), 30_000);
    List<Op> small = shrinker.shrink(log, 250);
    assertEquals(List.of(culpritA, culpritB), small);
  }
}
