package io.kiwidb.sstable.bloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FilterPolicy;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Pins the worked examples of {@code docs/format/filters.md} byte for byte: a change to the hash,
 * the probe sequence, the equations or the layout breaks these, as it would break every filter
 * already on disk.
 */
class BloomFormatTest {
  static final String BLOOM_ABC =
      "4201040901000000000000000000000000000000000000200000100000080000000000200004000000000000010000000000100000000800000000000000000000000090000000024000000000000000";

  private static byte[] build(FilterPolicy p, double rate, String... keys) {
    FilterPolicy.Builder b = p.builder(rate);
    for (String k : keys) {
      b.add(k.getBytes(StandardCharsets.UTF_8));
    }
    return b.finish();
  }

  private static boolean mayContain(FilterPolicy p, byte[] filter, String key) {
    return p.reader(filter).mayContain(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bloomWorkedExample() {
    BloomFilterPolicy bloom = new BloomFilterPolicy();
    byte[] f = build(bloom, 0.05, "a", "b", "c");
    assertEquals(BLOOM_ABC, HexFormat.of().formatHex(f));
    for (String k : new String[] {"a", "b", "c"}) {
      assertTrue(mayContain(bloom, f, k));
    }
    assertFalse(mayContain(bloom, f, "d"));
  }
}
