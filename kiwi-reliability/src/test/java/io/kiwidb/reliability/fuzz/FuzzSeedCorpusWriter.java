package io.kiwidb.reliability.fuzz;

import static io.kiwidb.reliability.fuzz.FuzzFiles.ROOT;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kiwidb.api.WriteBatch;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.engine.LsmEngine;
import io.kiwidb.engine.config.ConfigStore;
import io.kiwidb.testkit.InMemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Writes the seed corpus of the fuzz targets (real files made by the engine, trimmed to what each
 * target reads) into {@code src/test/resources}, where Jazzer's JUnit integration replays them in
 * the default build and starts fuzzing from them. Not a test: it runs only when asked, with {@code
 * -Dtest=FuzzSeedCorpusWriter -Dkiwi.fuzz.writeSeeds=true}. Crash inputs the fuzzer saves next to
 * these seeds are regression inputs and must be kept.
 */
class FuzzSeedCorpusWriter {
  private static final Path RESOURCES = Path.of("src/test/resources/io/kiwidb/reliability/fuzz");

  @Test
  void writeSeeds() throws IOException {
    assumeTrue(Boolean.getBoolean("kiwi.fuzz.writeSeeds"), "only on request");
    for (String compression : new String[] {"none", "lz4"}) {
      InMemoryFileSystem fs = new InMemoryFileSystem();
      FuzzFiles.write(
          fs,
          ROOT.resolve("config.json"),
          ("{\"log_broadcast_enabled\": false, \"block_size\": 256, \"compression\": \""
                  + compression
                  + "\"}\n")
              .getBytes(StandardCharsets.UTF_8));
      try (LsmEngine engine = open(fs)) {
        for (int i = 0; i < 40; i++) {
          WriteBatch b = new WriteBatch();
          b.put(bytes("key-" + (i % 17)), bytes("value-" + i + "-" + "abc".repeat(i % 7)));
          if (i % 5 == 0) {
            b.delete(bytes("key-" + (i % 3)));
          }
          engine.write(b);
          if (i == 29) {
            engine.flush();
            awaitFlushed(engine);
          }
        }
        if (compression.equals("none")) {
          engine.put(bytes("big"), new byte[40_000]);
        }
      }
      for (Path p : fs.list(ROOT.resolve("sst"))) {
        byte[] table = fs.contents(p);
        save("TableFooterFuzzTest", "table", "table-" + compression, prefix(0, table));
        save("TableFooterFuzzTest", "table", "table-" + compression + "-raw", prefix(1, table));
      }
      for (Path p : fs.list(ROOT)) {
        String name = p.getFileName().toString();
        if (name.startsWith("MANIFEST-")) {
          byte[] m = fs.contents(p);
          save("ManifestFuzzTest", "manifest", "manifest-" + compression, prefix(0, tail(m)));
        }
      }
      if (compression.equals("none")) {
        for (Path p : fs.list(ROOT.resolve("wal"))) {
          byte[] seg = fs.contents(p);
          if (seg.length > 24) {
            // Not "*.log": the repository ignores that pattern.
            String n = "segment-" + Long.parseLong(p.getFileName().toString().replace(".log", ""));
            save("WalSegmentFuzzTest", "segment", "pit-" + n, prefix(0, tail(seg)));
            save("WalSegmentFuzzTest", "segment", "strict-" + n, prefix(2 | 4, tail(seg)));
          }
        }
      }
    }

    byte[] block =
        FuzzFiles.entryBlock(
            new byte[][] {bytes("apple"), bytes("apricot"), bytes("banana")},
            new long[] {3L << 8 | 1, 2L << 8 | 1, 1L << 8},
            new byte[][] {bytes("red"), bytes("orange"), new byte[0]});
    save("BlockFuzzTest", "block", "three-entries", prefix(0, block));
    Compressor lz4 = NamedProviders.all(Compressor.class).get("lz4");
    byte[] packed = lz4.compress(block, 0, block.length);
    save(
        "BlockFuzzTest",
        "block",
        "three-entries-lz4",
        prefix(1, FuzzFiles.concat(FuzzFiles.varint(block.length), packed)));

    InMemoryFileSystem fs = new InMemoryFileSystem();
    ConfigStore.open(fs, ROOT.resolve("config.json"));
    save("ConfigFuzzTest", "config", "defaults", fs.contents(ROOT.resolve("config.json")));
    save(
        "ConfigFuzzTest",
        "config",
        "reference",
        ("{\"env\": \"dev\", \"max_memtable_size_mb\": 64, \"max_memtable_entries\": 10,"
                + " \"block_size\": 4096.0, \"bloom_fpr_dev\": 0.05}")
            .getBytes(StandardCharsets.UTF_8));
  }

  private static LsmEngine open(InMemoryFileSystem fs) {
    return LsmEngine.open(fs, ROOT, null);
  }

  private static void awaitFlushed(LsmEngine engine) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (engine.stats().l0SstableCount() == 0 || engine.stats().immutableQueueLen() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("flush did not finish");
      }
      Thread.onSpinWait();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Everything after the 24-byte file header (the targets write their own). */
  private static byte[] tail(byte[] file) {
    return Arrays.copyOfRange(file, 24, file.length);
  }

  private static byte[] prefix(int flags, byte[] b) {
    return FuzzFiles.concat(new byte[] {(byte) flags}, b);
  }

  private static void save(String testClass, String method, String name, byte[] content)
      throws IOException {
    Path dir = RESOURCES.resolve(testClass + "Inputs").resolve(method);
    Files.createDirectories(dir);
    Files.write(dir.resolve("seed-" + name), content);
  }
}
