package io.kiwidb.memtable.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Object-size arithmetic for the layouts HotSpot uses. */
class HeapLayoutTest {
  @Test
  void compressedReferencesLayout() {
    HeapLayout l = new HeapLayout(12, 4, 8);
    assertEquals(16, l.byteArray(0));
    assertEquals(32, l.byteArray(16));
    assertEquals(120, l.byteArray(100));
    assertEquals(40, l.instance(3, 2, 0, 0), "skip-list node: 3 refs, seq, prefix");
    assertEquals(48, l.instance(5, 2, 0, 0), "tall skip-list node");
    assertEquals(40, l.instance(4, 1, 0, 1), "red-black node: 4 refs, seq, colour");
    assertEquals(24, l.referenceArray(1));
    assertEquals(32, l.referenceArray(4));
  }

  @Test
  void uncompressedReferencesLayout() {
    HeapLayout l = new HeapLayout(12, 8, 8);
    assertEquals(56, l.instance(3, 2, 0, 0));
    assertEquals(48, l.referenceArray(4));
  }

  @Test
  void compactHeadersLayout() {
    HeapLayout l = new HeapLayout(8, 4, 8);
    assertEquals(40, l.instance(3, 2, 0, 0), "8 + 3*4 + 2*8 = 36, aligned");
    assertEquals(32, l.instance(3, 1, 0, 0), "8 + 3*4 + 8 = 28, aligned");
    assertEquals(112, l.byteArray(100));
  }

  @Test
  void theRunningTestJvmUsesCompressedReferences() {
    // The surefire JVM has a small heap and default flags; if this fails, the flags changed and the
    // size-accounting tests will say by how much.
    assertEquals(new HeapLayout(12, 4, 8).toString(), HeapLayout.CURRENT.toString());
  }

  @Test
  void rejectsAnAlignmentThatIsNotAPowerOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new HeapLayout(12, 4, 12));
  }
}
