package io.kiwidb.sstable.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.NamedProviders;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The codecs the core installs; each codec runs {@link io.kiwidb.testkit.CompressorContract}. */
class CompressorTest {
  /** Codecs with work to do are modules of their own; the core brings {@code none} only. */
  @Test
  void theCoreInstallsOnlyNoneWithIdZero() {
    Map<String, Compressor> all = NamedProviders.all(Compressor.class);
    assertEquals(Set.of("none"), all.keySet());
    assertEquals(0, all.get("none").id());
  }
}
