package io.kiwidb.sstable.ribbon;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
class RibbonFormatTest {
  static final String RIBBON_ABC =
      "52010280030000000000000000000000000000000000000000040000010008000000000000000000000000000000000000000000000000000000000000000000";

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
  void ribbonWorkedExample() {
    RibbonFilterPolicy ribbon = new RibbonFilterPolicy();
    byte[] f = build(ribbon, 0.25, "a", "b", "c");
    assertEquals(RIBBON_ABC, HexFormat.of().formatHex(f));
    for (String k : new String[] {"a", "b", "c"}) {
      assertTrue(mayContain(ribbon, f, k));
    }
  }
}
