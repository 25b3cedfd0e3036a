package io.kiwidb.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kiwidb.api.CorruptionException;

/**
 * Fuzzes a whole table file: footer (magic, version, checksum, handles), properties, index and data
 * blocks, filter lookup by name, compression ids. Input: one option byte (bit 0: leave the footer
 * and block checksums as they are instead of repairing the footer's and those of the blocks its
 * handles point at), then the file. Property: only {@link CorruptionException} escapes any read
 * path ({@link TableExerciser}).
 */
class TableFooterFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void table(byte[] data) {
    byte[] file = FuzzFiles.body(data);
    if ((FuzzFiles.flags(data) & 1) == 0) {
      FuzzFiles.fixTable(file);
    }
    TableExerciser.exercise(file);
  }
}
