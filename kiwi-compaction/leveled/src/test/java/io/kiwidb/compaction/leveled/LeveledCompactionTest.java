package io.kiwidb.compaction.leveled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import io.kiwidb.compaction.Levels;
import io.kiwidb.testkit.CompactionStrategyContract;
import java.util.List;

/** The SPI contract, plus leveled's own rules; the picking details are in the golden files. */
class LeveledCompactionTest extends CompactionStrategyContract {
  @Override
  protected CompactionStrategy strategy() {
    return new LeveledCompaction();
  }

  @Override
  protected void checkPolicy(CompactionPlan plan, LevelView view, CompactionOptions options) {
    // The round-robin cursor continues after the largest key taken from the start level, and the
    // job cuts outputs along the files below: both travel in the plan.
    assertArrayEquals(
        Levels.largest(plan.inputsAt(plan.startLevel())),
        plan.nextCursor(),
        () -> "cursor of " + plan);
    assertTrue(plan.alignOutputs(), () -> "outputs aligned: " + plan);
    LevelTargets targets = LevelTargets.of(view, options);
    if (plan.startLevel() == 0) {
      assertEquals(
          targets.baseLevel(), plan.outputLevel(), () -> "L0 into the base level: " + plan);
      for (int level = 1; level < plan.outputLevel(); level++) {
        assertTrue(view.level(level).isEmpty(), "a level above the base level holds files");
      }
    } else {
      assertTrue(plan.startLevel() >= targets.baseLevel(), () -> "above the base level: " + plan);
      assertEquals(plan.startLevel() + 1, plan.outputLevel(), () -> "one level down: " + plan);
    }
    // Every output-level file overlapping the start files is taken: the generic contract checks
    // the merged range, this checks the start files alone (no over-eager expansion is required).
    List<TableMeta> start = plan.inputsAt(plan.startLevel());
    for (TableMeta t : view.level(plan.outputLevel())) {
      boolean overlaps = false;
      for (TableMeta s : start) {
        overlaps |= t.overlaps(s.smallestKey(), s.largestKey());
      }
      if (overlaps) {
        assertEquals(true, plan.inputs().contains(t), () -> "missed overlap: " + plan);
      }
    }
  }

  /** Settled means L0 under its threshold and every level above the last within its own target. */
  @Override
  protected void checkSettled(LevelView view, CompactionOptions options, int lastLevel) {
    assertTrue(view.level(0).size() < options.l0CompactionThreshold(), "L0 over its threshold");
    LevelTargets targets = LevelTargets.of(view, options);
    for (int level = 1; level < lastLevel; level++) {
      long bytes = view.levelBytes(level);
      assertTrue(
          level < targets.baseLevel() ? bytes == 0 : bytes <= targets.target(level),
          "L" + level + " over its target");
    }
  }
}
