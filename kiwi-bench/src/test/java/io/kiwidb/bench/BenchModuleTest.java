package io.kiwidb.bench;

import io.kiwidb.bench.micro.ChecksumBenchmark;
import io.kiwidb.testkit.ModuleDescriptors;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** kiwi-bench is a leaf: it exports nothing and provides nothing. */
class BenchModuleTest {
  @Test
  void exportsAndProvidesNothing() {
    Module m = ChecksumBenchmark.class.getModule();
    ModuleDescriptors.assertExports(m, Set.of());
    ModuleDescriptors.assertProvidesMatchServiceFiles(m, Set.of());
  }
}
