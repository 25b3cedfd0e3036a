package io.kiwidb.reliability.model;

import java.util.List;
import java.util.Random;

/**
 * A whole seeded run of one matrix cell: draw the config and the log from the seed, run it, and on
 * failure shrink the log and report seed, config and the shrunk log together.
 */
final class ModelRuns {
  /** How long a failing run may spend shrinking its log ({@code -Dkiwi.model.shrinkSeconds}). */
  static final long SHRINK_MILLIS = Long.getLong("kiwi.model.shrinkSeconds", 60) * 1000;

  /**
   * Whether a concurrent reader runs alongside ({@code -Dkiwi.model.reader=false} turns it off).
   */
  static final boolean CONCURRENT_READER =
      Boolean.parseBoolean(System.getProperty("kiwi.model.reader", "true"));

  private ModelRuns() {}

  /** Runs {@code ops} random ops on {@code cell} from {@code seed}. */
  static ModelRunner.Result run(String mem, String filter, String comp, long seed, int ops) {
    Random random = new Random(seed);
    ModelConfig config = ModelConfig.draw(mem, filter, comp, random);
    List<Op> log = new OpGenerator(random).log(ops);
    Long readerSeed = CONCURRENT_READER ? random.nextLong() : null;
    try {
      return ModelRunner.run(config, log, readerSeed);
    } catch (ModelMismatch e) {
      LogShrinker shrinker = new LogShrinker(config, readerSeed, SHRINK_MILLIS);
      List<Op> small = shrinker.shrink(log, e.opIndex());
      String report =
          "model run failed: seed "
              + seed
              + " (replay: -Dkiwi.test.seed="
              + seed
              + " -Dkiwi.model.cell="
              + config.cell()
              + " -Dkiwi.model.ops="
              + ops
              + " -Dtest=ModelBasedTest#aRandomLogMatchesTheModel)\nconfig: "
              + config
              + "\nfailure: "
              + e.getMessage()
              + "\nshrunk log ("
              + small.size()
              + " of "
              + log.size()
              + " ops, "
              + shrinker.runs()
              + " trial runs):\n"
              + LogShrinker.format(small);
      System.out.println(report);
      throw new AssertionError(report, e);
    }
  }
}
