package io.kiwidb.sstable.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FilterPolicy;
import org.junit.jupiter.api.Test;

class NoFilterPolicyTest {
  private final NoFilterPolicy none = new NoFilterPolicy();

  @Test
  void encodesNothingAndLetsEveryKeyThrough() {
    FilterPolicy.Builder b = none.builder(0.01);
    b.add(new byte[] {1});
    b.add(new byte[] {1});
    assertEquals(2, b.count());
    byte[] f = b.finish();
    assertEquals(0, f.length);
    FilterPolicy.Reader r = none.reader(f);
    assertTrue(r.mayContain(new byte[] {1}));
    assertTrue(r.mayContain(new byte[] {2}));
    assertTrue(r.mayContain(new byte[0]));
    assertEquals(1.0, none.expectedFalsePositiveRate(0.01));
    assertEquals("none", none.name());
  }

  @Test
  void rejectsNonEmptyBytesAndBadTargets() {
    assertThrows(IllegalArgumentException.class, () -> none.reader(new byte[] {'B', 1}));
    assertThrows(IllegalArgumentException.class, () -> none.builder(0));
  }
}
