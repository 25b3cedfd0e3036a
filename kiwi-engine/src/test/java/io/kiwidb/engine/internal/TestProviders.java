package io.kiwidb.engine.internal;

import io.kiwidb.api.spi.CompactionOptions;
import io.kiwidb.api.spi.CompactionPlan;
import io.kiwidb.api.spi.CompactionStrategy;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.LevelView;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import java.util.Map;
import java.util.Optional;

/** Test-only SPI providers, standing in for the implementation modules until they are merged. */
public final class TestProviders {
  private TestProviders() {}

  // Test-only providers: the real ones live in modules not merged yet.
  public record FakeMemTables(String name) implements MemTableFactory {
    @Override
    public MemTable create() {
      throw new UnsupportedOperationException("test provider");
    }
  }

  public record FakeFilter(String name) implements FilterPolicy {
    @Override
    public Builder builder(double falsePositiveRate) {
      throw new UnsupportedOperationException("test provider");
    }

    @Override
    public Reader reader(byte[] filter) {
      throw new UnsupportedOperationException("test provider");
    }
  }

  public record FakeStrategy(String name) implements CompactionStrategy {
    @Override
    public Optional<CompactionPlan> pick(LevelView view, CompactionOptions options) {
      return Optional.empty();
    }
  }

  public record FakeCompressor(String name, int id) implements Compressor {
    @Override
    public byte[] compress(byte[] src, int off, int len) {
      return java.util.Arrays.copyOfRange(src, off, off + len);
    }

    @Override
    public byte[] decompress(byte[] src, int off, int len, int originalLength) {
      return java.util.Arrays.copyOfRange(src, off, off + len);
    }
  }

  public static final SpiCatalog CATALOG =
      new SpiCatalog(
          Map.of(
              "arena",
              new FakeMemTables("arena"),
              "skiplist",
              new FakeMemTables("skiplist"),
              "redblack",
              new FakeMemTables("redblack")),
          Map.of("bloom", new FakeFilter("bloom"), "none", new FakeFilter("none")),
          Map.of("leveled", new FakeStrategy("leveled"), "tiered", new FakeStrategy("tiered")),
          Map.of("none", new FakeCompressor("none", 0)));
}
