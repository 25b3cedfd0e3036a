package io.kiwidb.sstable.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.NamedProviders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The three filter policies are registered both with {@code provides} and in {@code
 * META-INF/services}, and load by name. (To be folded into the module's descriptor test, which also
 * checks the other services this module provides.)
 */
class FilterProvidersTest {
  private static final String SERVICE = FilterPolicy.class.getName();
  private static final Set<String> PROVIDERS =
      Set.of(
          BloomFilterPolicy.class.getName(),
          RibbonFilterPolicy.class.getName(),
          NoFilterPolicy.class.getName());

  @Test
  void moduleInfoProvidesTheThreePolicies() {
    Module m = BloomFilterPolicy.class.getModule();
    assertTrue(m.isNamed(), "tests must run on the module path, but ran in " + m);
    ModuleDescriptor d = m.getDescriptor();
    Set<String> provided =
        d.provides().stream()
            .filter(p -> p.service().equals(SERVICE))
            .flatMap(p -> p.providers().stream())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(PROVIDERS), provided);
  }

  @Test
  void serviceFileListsTheSameProviders() throws IOException {
    Module m = BloomFilterPolicy.class.getModule();
    try (InputStream in = m.getResourceAsStream("META-INF/services/" + SERVICE)) {
      assertNotNull(in, "missing META-INF/services/" + SERVICE);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      Set<String> listed =
          r.lines()
              .map(line -> line.replaceFirst("#.*", "").trim())
              .filter(line -> !line.isEmpty())
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(new TreeSet<>(PROVIDERS), listed);
    }
  }

  @Test
  void policiesLoadByName() {
    assertEquals(
        Set.of("bloom", "ribbon", "none"), NamedProviders.all(FilterPolicy.class).keySet());
    assertEquals(
        RibbonFilterPolicy.class,
        NamedProviders.find(FilterPolicy.class, "filter_policy", "ribbon").getClass());
  }
}
