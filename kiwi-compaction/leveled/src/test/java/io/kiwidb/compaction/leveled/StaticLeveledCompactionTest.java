package io.kiwidb.compaction.leveled;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.testkit.CompactionStrategyContract;
import java.util.Optional;

/**
 * The SPI contract for leveled compaction with static targets ({@code
 * level_compaction_dynamic_level_bytes = false}): the contract's options are turned static before
 * each pick, so the simulation exercises L0 into L1 and the {@code base * multiplier^(k-1)}
 * targets.
 */
class StaticLeveledCompactionTest extends CompactionStrategyContract {
  @Override
  protected CompactionStrategy strategy() {
    LeveledCompaction leveled = new LeveledCompaction();
    return new CompactionStrategy() {
      @Override
      public String name() {
        return leveled.name();
      }

      @Override
      public Optional<CompactionPlan> pick(LevelView view, CompactionOptions options) {
        return leveled.pick(view, staticTargets(options));
      }
    };
  }

  @Override
  protected void checkPolicy(CompactionPlan plan, LevelView view, CompactionOptions options) {
    assertEquals(plan.startLevel() + 1, plan.outputLevel(), () -> "one level down: " + plan);
  }

  private static CompactionOptions staticTargets(CompactionOptions o) {
    return new CompactionOptions(
        o.l0CompactionThreshold(),
        o.maxLevels(),
        o.baseLevelBytes(),
        o.levelSizeMultiplier(),
        o.targetFileBytes(),
        false);
  }
}
