package io.kiwidb.sstable.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.sstable.filter.FilterHeader;
import io.kiwidb.testkit.FilterPolicyContract;
import org.junit.jupiter.api.Test;

class BloomFilterPolicyTest extends FilterPolicyContract {
  private final BloomFilterPolicy bloom = new BloomFilterPolicy();

  @Override
  protected FilterPolicy policy() {
    return bloom;
  }

  @Override
  protected int versionOffset() {
    return 1;
  }

  @Override
  protected int headerLength() {
    return FilterHeader.LENGTH;
  }

  @Test
  void geometryForTheReferenceRates() {
    BloomGeometry prod = bloom.geometry(0.01);
    assertEquals(6, prod.probes());
    assertEquals(9.92, prod.bitsPerKey(), 0.01);
    BloomGeometry dev = bloom.geometry(0.05);
    assertEquals(4, dev.probes());
    assertEquals(6.32, dev.bitsPerKey(), 0.01);
  }

  /** Blocking costs bits: the model must charge more than the textbook unblocked formula. */
  @Test
  void blockedRateIsAboveTheUnblockedFormula() {
    for (double b : new double[] {4, 8, 12, 16}) {
      int k = (int) Math.round(b * Math.log(2));
      double unblocked = Math.pow(1 - Math.exp(-k / b), k);
      double blocked = BloomGeometry.falsePositiveRate(b, k);
      assertTrue(blocked > unblocked, b + " bits: " + blocked + " vs " + unblocked);
      assertTrue(blocked < 2 * unblocked, b + " bits: " + blocked + " vs " + unblocked);
    }
  }

  @Test
  void rateFallsAsBitsGrow() {
    double previous = 1;
    for (double b = 1; b <= 40; b += 0.5) {
      double r = BloomGeometry.falsePositiveRate(b, 6);
      assertTrue(r < previous, "fpr(" + b + ", 6) = " + r + " not below " + previous);
      previous = r;
    }
  }

  @Test
  void filterSizeFollowsTheGeometry() {
    FilterPolicy.Builder b = bloom.builder(0.01);
    for (int i = 0; i < 10_000; i++) {
      b.add(new byte[] {(byte) i, (byte) (i >> 8)});
    }
    byte[] f = b.finish();
    int blocks = (int) Math.ceil(10_000 * bloom.geometry(0.01).bitsPerKey() / 512);
    assertEquals(FilterHeader.LENGTH + 64 * blocks, f.length);
    assertEquals(6, f[2]);
    assertEquals(9, f[3]);
  }

  @Test
  void rejectsBadGeometryFields() {
    FilterPolicy.Builder b = bloom.builder(0.01);
    b.add(new byte[] {1});
    byte[] f = b.finish();
    byte[] zeroProbes = f.clone();
    zeroProbes[2] = 0;
    assertThrows(IllegalArgumentException.class, () -> bloom.reader(zeroProbes));
    byte[] otherBlock = f.clone();
    otherBlock[3] = 10;
    assertThrows(IllegalArgumentException.class, () -> bloom.reader(otherBlock));
    byte[] hugeCount = f.clone();
    hugeCount[7] = 0x7F; // 2^30 blocks claimed by an 80-byte filter: rejected before allocating
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> bloom.reader(hugeCount));
    assertTrue(e.getMessage().contains("does not match its header"), e.getMessage());
  }
}
