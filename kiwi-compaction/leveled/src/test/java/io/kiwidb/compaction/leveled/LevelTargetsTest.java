package io.kiwidb.compaction.leveled;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.TableMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The base level and targets of {@link LevelTargets}, on the examples of its class comment (256MB
 * base, multiplier 10, L1..L6); the picking that follows from them is in the golden files.
 */
class LevelTargetsTest {
  private static final long MB = 1L << 20;
  private static final CompactionOptions DYNAMIC =
      new CompactionOptions(4, 6, 256 * MB, 10, 64 * MB);
  private static final CompactionOptions STATIC =
      new CompactionOptions(4, 6, 256 * MB, 10, 64 * MB, false);

  @Test
  void anEmptyTreeCompactsL0IntoTheLastLevel() {
    assertEquals(6, LevelTargets.of(view(), DYNAMIC).baseLevel());
  }

  @Test
  void aSmallLastLevelIsTheBaseLevel() {
    LevelTargets t = LevelTargets.of(view(6, 200 * MB), DYNAMIC);
    assertEquals(6, t.baseLevel());
  }

  @Test
  void theBaseLevelMovesUpAsTheLastLevelGrows() {
    LevelTargets t = LevelTargets.of(view(6, 900 * MB), DYNAMIC);
    assertEquals(5, t.baseLevel());
    assertEquals(256 * MB, t.target(5), "90MB, floored at base_level_bytes");
    assertEquals(0, t.target(4), "above the base level: not in use");
  }

  @Test
  void aLargeStoreUsesMoreLevels() {
    LevelTargets t = LevelTargets.of(view(6, 30L * 1024 * MB), DYNAMIC);
    assertEquals(3, t.baseLevel());
    assertEquals(256 * MB, t.target(3), "30GB / 1000, floored");
    assertEquals(3L * 1024 * MB / 10, t.target(4));
    assertEquals(3L * 1024 * MB, t.target(5));
  }

  @Test
  void staticTargetsIgnoreTheData() {
    LevelTargets t = LevelTargets.of(view(6, 900 * MB), STATIC);
    assertEquals(1, t.baseLevel());
    assertEquals(256 * MB, t.target(1));
    assertEquals(2560 * MB, t.target(2));
  }

  /** A view with one file of {@code bytes} in {@code level}, or an empty one. */
  private static LevelView view(Object... levelAndBytes) {
    List<List<TableMeta>> levels = new ArrayList<>();
    for (int i = 0; i <= 6; i++) {
      levels.add(new ArrayList<>());
    }
    for (int i = 0; i < levelAndBytes.length; i += 2) {
      int level = (Integer) levelAndBytes[i];
      long bytes = (Long) levelAndBytes[i + 1];
      levels
          .get(level)
          .add(new TableMeta(i, level, Bytes.utf8("a"), Bytes.utf8("z"), bytes, 0, 0, 1, 1));
    }
    return new LevelView(levels, Set.of());
  }
}
