package io.kiwidb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiwidb.api.spi.CompactionStrategy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs a strategy's picker golden file, {@code src/test/resources/testdata/pickers/<name>.txt} of
 * the strategy's module. Command: {@code pick <name> [l0_compaction_threshold=4] [max_levels=3]
 * [base_level_bytes=10MB] [level_size_multiplier=10] [target_file_bytes=2MB]
 * [dynamic_level_bytes=true]}; input: a layout ({@link LevelLayouts}); output: the plan ({@link
 * LevelLayouts#render}) or {@code none}. Rewrite with {@code -Dkiwi.golden.rewrite=true}.
 */
public abstract class GoldenPickerContract {
  /** Creates the contract (subclasses only). */
  protected GoldenPickerContract() {}

  /** The strategy whose golden file runs. */
  protected abstract CompactionStrategy strategy();

  @Test
  void picksWhatTheGoldenFileSays() {
    CompactionStrategy s = strategy();
    Path file = DataDriven.file("pickers/" + s.name() + ".txt");
    DataDriven.check(
        file,
        c -> {
          if (!c.verb().equals("pick")) {
            throw new IllegalArgumentException(file + ":" + c.line() + ": unknown command");
          }
          assertEquals(
              s.name(),
              c.command().trim().split("\\s+")[1],
              file + ":" + c.line() + ": a case for another strategy");
          return s.pick(LevelLayouts.view(c.input()), LevelLayouts.options(c))
              .map(LevelLayouts::render)
              .orElse("none");
        });
  }
}
