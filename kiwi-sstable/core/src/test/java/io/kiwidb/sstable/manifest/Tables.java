package io.kiwidb.sstable.manifest;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.TableMeta;

/** Table metadata for tests: keys are strings, the other fields get plausible defaults. */
final class Tables {
  private Tables() {}

  static TableMeta table(long number, int level, String smallest, String largest) {
    return table(number, level, smallest, largest, number * 10, number * 10 + 9);
  }

  static TableMeta table(
      long number, int level, String smallest, String largest, long minSeq, long maxSeq) {
    return new TableMeta(
        number,
        level,
        Bytes.utf8(smallest),
        Bytes.utf8(largest),
        100 * number,
        maxSeq - minSeq + 1,
        0,
        minSeq,
        maxSeq);
  }
}
