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
  @Test
  void policiesLoadByName() {
    assertEquals(
        Set.of("bloom", "ribbon", "none"), NamedProviders.all(FilterPolicy.class).keySet());
    assertEquals(
        RibbonFilterPolicy.class,
        NamedProviders.find(FilterPolicy.class, "filter_policy", "ribbon").getClass());
  }
}
