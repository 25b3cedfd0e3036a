package io.kiwidb.compaction.tiered;

import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.testkit.GoldenPickerContract;

/** {@code testdata/pickers/tiered.txt}. */
class TieredGoldenTest extends GoldenPickerContract {
  @Override
  protected CompactionStrategy strategy() {
    return new TieredCompaction();
  }
}
