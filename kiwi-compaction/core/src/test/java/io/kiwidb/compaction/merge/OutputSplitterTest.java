package io.kiwidb.compaction.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.Bytes;
import io.kiwidb.api.spi.TableMeta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where compaction outputs end: at the target size, or from half of it where a file below ends. */
class OutputSplitterTest {
  private static final long TARGET = 100;

  @Test
  void withNothingBelowSplitsOnlyAtTheTargetSize() {
    OutputSplitter s = new OutputSplitter(List.of(), TARGET);
    assertFalse(s.splitBefore(key("a"), 0));
    assertFalse(s.splitBefore(key("b"), 99));
    assertTrue(s.splitBefore(key("c"), 100));
  }

  @Test
  void neverSplitsAnEmptyFile() {
    OutputSplitter s = new OutputSplitter(List.of(file(1, "a", "b")), TARGET);
    assertFalse(s.splitBefore(key("c"), 0), "no file is open yet");
  }

  @Test
  void splitsWhereAFileBelowEndsOnceHalfTheTargetIsWritten() {
    // Below: [b-d] [f-h] [m-p]. Keys step past d at e and past h at i.
    OutputSplitter s =
        new OutputSplitter(
            List.of(file(3, "m", "p"), file(1, "b", "d"), file(2, "f", "h")), TARGET);
    assertFalse(s.splitBefore(key("a"), 0));
    assertFalse(s.splitBefore(key("c"), 10));
    assertFalse(s.splitBefore(key("e"), 49), "past d, but under half the target");
    assertFalse(s.splitBefore(key("g"), 60), "inside [f-h]: no boundary crossed");
    assertTrue(s.splitBefore(key("i"), 60), "past h with 60 >= 50 written");
  }

  @Test
  void aKeyThatSkipsSeveralFilesBelowCountsAsACrossing() {
    OutputSplitter s = new OutputSplitter(List.of(file(1, "b", "c"), file(2, "d", "e")), TARGET);
    assertFalse(s.splitBefore(key("a"), 0));
    assertTrue(s.splitBefore(key("z"), 50));
  }

  /**
   * The point of aligning: outputs cut where the level below ends overlap fewer files there. A run
   * of keys 0..999 over a level below of files 100 keys wide, offset by 37, one byte per key, with
   * a target of 250: per byte of output, aligned outputs overlap exactly one byte below (the least
   * possible), outputs cut at the target size alone a third more.
   */
  @Test
  void alignedOutputsOverlapFewerFilesBelow() {
    List<TableMeta> below = new ArrayList<>();
    for (int lo = -63, n = 1; lo < 1000; lo += 100, n++) {
      int from = Math.max(lo, 0);
      below.add(
          new TableMeta(n, 2, key(num(from)), key(num(lo + 99)), lo + 100 - from, 0, 0, n, n));
    }
    assertEquals(1.037, overlapPerByte(split(new OutputSplitter(below, 250)), below), 1e-9);
    assertEquals(1.337, overlapPerByte(split(new OutputSplitter(List.of(), 250)), below), 1e-9);
    // Every aligned output except the last ends exactly where a file below ends.
    List<int[]> outs = split(new OutputSplitter(below, 250));
    for (int i = 0; i < outs.size() - 1; i++) {
      assertEquals(36, outs.get(i)[1] % 100, "output " + i + " ends at " + outs.get(i)[1]);
    }
  }

  @Test
  void rejectsANonPositiveTarget() {
    assertThrows(IllegalArgumentException.class, () -> new OutputSplitter(List.of(), 0));
  }

  /** Keys 0..999, one byte each; the [first, last] key of each output. */
  private static List<int[]> split(OutputSplitter s) {
    List<int[]> outs = new ArrayList<>();
    int start = 0;
    for (int k = 0; k < 1000; k++) {
      if (s.splitBefore(key(num(k)), k - start)) {
        outs.add(new int[] {start, k - 1});
        start = k;
      }
    }
    outs.add(new int[] {start, 999});
    return outs;
  }

  /** Bytes of the level below that the outputs overlap, per output byte (1000 keys). */
  private static double overlapPerByte(List<int[]> outs, List<TableMeta> below) {
    long sum = 0;
    for (int[] o : outs) {
      for (TableMeta t : below) {
        sum += t.overlaps(key(num(o[0])), key(num(o[1]))) ? t.sizeBytes() : 0;
      }
    }
    return sum / 1000.0;
  }

  private static String num(int n) {
    return String.format(java.util.Locale.ROOT, "%04d", n);
  }

  private static byte[] key(String k) {
    return Bytes.utf8(k);
  }

  private static TableMeta file(long n, String lo, String hi) {
    return new TableMeta(n, 2, key(lo), key(hi), 1, 0, 0, n, n);
  }
}
