package io.kiwidb.reliability.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9 and issue 12 item 8: seeded random op logs against a {@code TreeMap} model, for every
 * cell of memtable x filter x compaction, with flushes, compactions, snapshots, long-lived
 * iterators, clean reopens and power cuts along the way (see {@link ModelRunner} for what is
 * checked, {@code docs/reliability.md} section 8 for figures).
 *
 * <p>Replay a failure with the seed and cell it prints: {@code -Dkiwi.test.seed=N
 * -Dkiwi.model.cell=skiplist/bloom/leveled}. {@code -Dkiwi.model.ops} changes the log length.
 */
class ModelBasedTest {
  static final int OPS = Integer.getInteger("kiwi.model.ops", 1500);

  @BeforeAll
  static void quiet() {
    QuietLogs.install();
  }

  /** Every cell of the matrix, or the one named by {@code -Dkiwi.model.cell}. */
  static Stream<Arguments> matrix() {
    String only = System.getProperty("kiwi.model.cell", "").trim();
    List<Arguments> cells = new ArrayList<>();
    for (String mem : ModelConfig.MEMTABLES) {
      for (String filter : ModelConfig.FILTERS) {
        for (String comp : ModelConfig.COMPACTIONS) {
          if (only.isEmpty() || only.equals(mem + "/" + filter + "/" + comp)) {
            cells.add(Arguments.of(mem, filter, comp));
          }
        }
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0}/{1}/{2}")
  @MethodSource("matrix")
  void aRandomLogMatchesTheModel(String mem, String filter, String comp) {
    long seed = Seeds.seedFor("model " + mem + "/" + filter + "/" + comp);
    long start = System.nanoTime();
    ModelRunner.Result r = ModelRuns.run(mem, filter, comp, seed, OPS);
    System.out.println(summary(mem + "/" + filter + "/" + comp, r, start));
    assertTrue(r.readsChecked() > OPS / 4, "the log must read: " + r);
  }

  /**
   * The long run: {@code -Psoak}. Each cell runs {@code kiwi.model.soakRounds} logs (default 20) of
   * {@code kiwi.model.soakOps} ops (default 5000), each with its own seed drawn from the printed
   * one.
   */
  @Tag("soak")
  @ParameterizedTest(name = "soak {0}/{1}/{2}")
  @MethodSource("matrix")
  void soak(String mem, String filter, String comp) {
    int rounds = Integer.getInteger("kiwi.model.soakRounds", 20);
    int ops = Integer.getInteger("kiwi.model.soakOps", 5000);
    Random seeds = new Random(Seeds.seedFor("model soak " + mem + "/" + filter + "/" + comp));
    ModelRunner.Result total = ModelRunner.Result.zero();
    long start = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      long seed = seeds.nextLong();
      System.out.println("[seed] round " + round + ": " + seed);
      total = total.plus(ModelRuns.run(mem, filter, comp, seed, ops));
    }
    System.out.println(summary("soak " + mem + "/" + filter + "/" + comp, total, start));
  }

  static String summary(String what, ModelRunner.Result r, long startNanos) {
    return "[model] "
        + what
        + ": "
        + r.ops()
        + " ops, "
        + r.readsChecked()
        + " reads checked ("
        + r.entriesChecked()
        + " scan entries), "
        + r.flushes()
        + " flushes, "
        + r.compactions()
        + " compactions, deepest level L"
        + r.deepestLevel()
        + ", "
        + r.reopens()
        + " reopens, "
        + r.crashes()
        + " crashes, "
        + r.concurrentReads()
        + " concurrent reads, "
        + (System.nanoTime() - startNanos) / 1_000_000
        + " ms";
  }
}
