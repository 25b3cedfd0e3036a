package io.kiwidb.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kiwidb.api.CorruptionException;

/**
 * Fuzzes the block decoder: the input's stored data block is wrapped in a table that is valid
 * around it ({@link FuzzFiles#tableAround}: correct trailer checksum, an index entry pointing at
 * it, properties, footer), so every input reaches the restart array, entry decoding, prefix
 * sharing, seeks, {@code prev} and, with option bit 0 set, LZ4 decompression with its size bound.
 * Input: one option byte, then the block as stored. Property: only {@link CorruptionException}
 * escapes any read path ({@link TableExerciser}).
 */
class BlockFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void block(byte[] data) {
    int flags = FuzzFiles.flags(data);
    byte[] indexKey = (flags & 2) != 0 ? new byte[] {(byte) 0xff, (byte) 0xff} : new byte[] {'z'};
    TableExerciser.exercise(FuzzFiles.tableAround(FuzzFiles.body(data), flags & 1, indexKey));
  }
}
