package io.kiwidb.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiwidb.api.InvalidConfigException;
import io.kiwidb.api.spi.MemTable;
import io.kiwidb.api.spi.MemTableFactory;
import io.kiwidb.engine.config.ConfigValidator;
import io.kiwidb.engine.config.EngineConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The memtable size check of {@link SpiCatalog}, with capped stand-in factories. */
class SpiCatalogTest {

  /** A factory that holds at most {@code limit} bytes. */
  private record Capped(String name, long limit) implements MemTableFactory {
    @Override
    public MemTable create() {
      throw new UnsupportedOperationException("test provider");
    }

    @Override
    public long maxMemTableSizeBytes() {
      return limit;
    }
  }

  private static SpiCatalog catalog(MemTableFactory... memTables) {
    Map<String, MemTableFactory> byName = new java.util.HashMap<>();
    for (MemTableFactory f : memTables) {
      byName.put(f.name(), f);
    }
    SpiCatalog stock = TestProviders.CATALOG;
    return new SpiCatalog(
        byName, stock.filters(), stock.compactionStrategies(), stock.compressors());
  }

  private static EngineConfig config(String impl, double sizeMb) {
    return EngineConfig.defaults().with("memtable_impl", impl).with("max_memtable_size_mb", sizeMb);
  }

  @Test
  void theLimitItselfIsAcceptedAndOneByteMoreIsNot() {
    SpiCatalog c = catalog(new Capped("small", 3L << 19), new Capped("big", 2L << 20));
    c.check(config("small", 1.5));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> c.check(config("small", 1.5 + 1e-6)));
    assertEquals(
        "invalid config max_memtable_size_mb=1.500001: more than memtable_impl \"small\" can"
            + " hold (1.5 MiB); lower it to 1.5 or less, or choose a memtable_impl without this"
            + " limit: [big]",
        e.getMessage());
  }

  @Test
  void withNoRoomierImplementationOnlyLoweringIsSuggested() {
    SpiCatalog c = catalog(new Capped("small", 1L << 20));
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> c.check(config("small", 2)));
    assertEquals(
        "invalid config max_memtable_size_mb=2.0: more than memtable_impl \"small\" can hold (1"
            + " MiB); lower it to 1 or less",
        e.getMessage());
  }

  @Test
  void theValidatorAlsoChecksTheMemtableInUse() {
    SpiCatalog c = catalog(new Capped("small", 1L << 20), new Capped("big", 4L << 20));
    ConfigValidator v = c.validator(config("small", 1));
    v.validate("max_memtable_size_mb", config("small", 1));
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> v.validate("max_memtable_size_mb", config("big", 2)));
    assertEquals(
        "invalid config max_memtable_size_mb=2.0: more than memtable_impl \"small\" (in use until"
            + " the next open) can hold (1 MiB); lower it to 1 or less, or choose a memtable_impl"
            + " without this limit: [big]",
        e.getMessage());
    assertThrows(
        InvalidConfigException.class, () -> v.validate("memtable_impl", config("small", 2)));
  }
}
