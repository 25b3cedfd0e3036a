package io.kiwidb.compaction.leveled;

import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.testkit.GoldenPickerContract;

/** {@code testdata/pickers/leveled.txt}. */
class LeveledGoldenTest extends GoldenPickerContract {
  @Override
  protected CompactionStrategy strategy() {
    return new LeveledCompaction();
  }
}
