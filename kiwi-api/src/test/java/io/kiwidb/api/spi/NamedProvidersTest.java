package io.kiwidb.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiwidb.api.InvalidConfigException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NamedProvidersTest {
  @Test
  void unknownNameListsTheKnownOnes() {
    Map<String, String> known = new TreeMap<>(Map.of("skiplist", "a", "redblack", "b"));
    assertEquals("a", NamedProviders.select(known, "memtable_impl", "skiplist"));
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> NamedProviders.select(known, "memtable_impl", "avl"));
    assertTrue(
        e.getMessage().contains("memtable_impl=\"avl\"")
            && e.getMessage().contains("[redblack, skiplist]"),
        e.getMessage());
    assertEquals("memtable_impl", e.key());
  }

  @Test
  void withNoProvidersInstalledLookupReportsAnEmptyList() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> NamedProviders.find(FilterPolicy.class, "filter_policy", "bloom"));
    assertTrue(e.getMessage().contains("known: []"), e.getMessage());
  }
}
