package io.kiwidb.compaction;

import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.NamedProviders;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the picker golden files in {@code src/test/resources/testdata/pickers}. Command: {@code pick
 * <strategy> [l0_compaction_threshold=4] [max_levels=3] [base_level_bytes=10MB]
 * [level_size_multiplier=10] [target_file_bytes=2MB] [dynamic_level_bytes=true]}; input: a layout
 * ({@link Layouts}); output: the plan ({@link Layouts#render}) or {@code none}. Rewrite with {@code
 * -Dkiwi.golden.rewrite=true}.
 */
class GoldenPickerTest {
  /** Found through ServiceLoader, as the engine will find them. */
  private final Map<String, CompactionStrategy> strategies =
      NamedProviders.all(CompactionStrategy.class);

  @TestFactory
  Stream<DynamicTest> goldenFiles() {
    return DataDriven.files("pickers").stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
  }

  private void run(Path file) {
    DataDriven.check(
        file,
        c -> {
          if (!c.verb().equals("pick")) {
            throw new IllegalArgumentException(file + ":" + c.line() + ": unknown command");
          }
          String name = c.command().trim().split("\\s+")[1];
          CompactionStrategy s = NamedProviders.select(strategies, "compaction_strategy", name);
          return s.pick(Layouts.view(c.input()), Layouts.options(c))
              .map(Layouts::render)
              .orElse("none");
        });
  }
}
