package io.kiwidb.sstable.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.NamedProviders;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The filter policies load by name through the SPI. (That module-info and META-INF/services list
 * the same providers is checked by the module's descriptor test.)
 */
class FilterProvidersTest {
  /** Filters with work to do are modules of their own; the core brings {@code none} only. */
  @Test
  void theCoreInstallsOnlyNone() {
    assertEquals(Set.of("none"), NamedProviders.all(FilterPolicy.class).keySet());
    assertEquals(
        NoFilterPolicy.class,
        NamedProviders.find(FilterPolicy.class, "filter_policy", "none").getClass());
  }
}
