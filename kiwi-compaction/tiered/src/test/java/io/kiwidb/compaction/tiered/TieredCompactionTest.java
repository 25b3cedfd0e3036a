package io.kiwidb.compaction.tiered;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.testkit.CompactionStrategyContract;

/** The SPI contract, plus tiered's own rule; the picking details are in the golden files. */
class TieredCompactionTest extends CompactionStrategyContract {
  @Override
  protected CompactionStrategy strategy() {
    return new TieredCompaction();
  }

  /** Whole runs only: every file of every level from the start to the output level. */
  @Override
  protected void checkPolicy(CompactionPlan plan, LevelView view, CompactionOptions options) {
    assertNull(plan.nextCursor(), () -> "tiered keeps no cursor: " + plan);
    assertFalse(plan.alignOutputs(), () -> "whole levels merge, nothing to align to: " + plan);
    for (int level = plan.startLevel(); level <= plan.outputLevel(); level++) {
      int l = level;
      assertEquals(
          level < view.levelCount() ? view.level(level).size() : 0,
          plan.inputsAt(level).size(),
          () -> "L" + l + " not taken whole: " + plan);
    }
  }
}
