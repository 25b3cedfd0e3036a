package io.kiwidb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.bench.db.DbBench;
import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kiwi-bench is a leaf and a black box: it exports nothing, provides nothing, and of kiwi-db reads
 * the public API alone (the engine arrives through ServiceLoader).
 */
class BenchModuleTest {
  private final Module m = DbBench.class.getModule();

  @Test
  void exportsAndProvidesNothing() {
    ModuleDescriptors.assertExports(m, Set.of());
    ModuleDescriptors.assertProvidesMatchServiceFiles(m, Set.of());
  }

  /** The API, and the Kafka Streams store (itself a user of the API) for its benchmark. */
  @Test
  void requiresNoKiwiModuleButTheApiAndTheKafkaStreamsStore() {
    assertEquals(
        Set.of("io.kiwidb.api", "io.kiwidb.kafka.streams"),
        ModuleDescriptors.runtimeRequires(m).stream()
            .filter(n -> n.startsWith("io.kiwidb"))
            .collect(java.util.stream.Collectors.toSet()));
  }
}
