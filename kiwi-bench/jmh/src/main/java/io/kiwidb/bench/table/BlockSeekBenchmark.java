package io.kiwidb.bench.table;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.Compressor;
import io.kiwidb.api.spi.FileSystem;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.NamedProviders;
import io.kiwidb.fs.FileSystems;
import io.kiwidb.sstable.TableOptions;
import io.kiwidb.sstable.table.BlockCache;
import io.kiwidb.sstable.table.TableBuilder;
import io.kiwidb.sstable.table.TableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seeks inside data blocks: the restart interval and the block codec, compared in one run.
 *
 * <p>A table of {@code entries} keys ({@code k%015d}, 100-byte values that compress about 2:1) is
 * built once per trial with 4 KiB blocks, then probed with random seeks of present keys through
 * {@link TableReader#iterator()}. With {@code cache = warm} every data block is in the block cache,
 * so a seek costs the index search plus the in-block search: a binary search over the restart
 * points followed by a linear decode of at most {@code restartInterval} prefix-compressed entries.
 * With {@code cache = cold} there is no data-block cache, so each seek also reads, checksums and
 * (for lz4) decompresses its block: the cost a seek pays on a cache miss with a warm OS page cache.
 *
 * <p>What to read off: how much a shorter restart interval buys (fewer entries decoded per seek)
 * against a larger block (more restart offsets, less prefix sharing), and how much decompression
 * adds to a miss.
 *
 * <p>Run: {@code bench/jmh BlockSeekBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BlockSeekBenchmark {
  @Param({"1", "16", "64"})
  public int restartInterval;

  @Param({"none", "lz4"})
  public String codec;

  @Param({"warm", "cold"})
  public String cache;

  @Param({"200000"})
  public int entries;

  private Path dir;
  private TableReader reader;
  private InternalIterator iterator;
  private byte[][] probes;
  private int next;

  /** Builds the table and the probe keys (untimed). */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    FileSystem fs = FileSystems.local();
    dir = Files.createTempDirectory("kiwi-block-seek");
    Path file = dir.resolve("000001.sst");
    Compressor compressor = NamedProviders.find(Compressor.class, "compression", codec);
    TableOptions options =
        TableOptions.defaults().withRestartInterval(restartInterval).withCompressor(compressor);
    try (TableBuilder builder = TableBuilder.create(fs, file, options)) {
      for (int i = 0; i < entries; i++) {
        builder.add(TableBench.key(i), 1, EntryKind.PUT, TableBench.value(i));
      }
      builder.finish();
    }
    boolean warm = cache.equals("warm");
    reader = TableReader.open(fs, file, 1, new BlockCache(warm ? 1 << 20 : 0, 1024, 1024));
    iterator = reader.iterator();
    if (warm) {
      for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
        // one pass loads every data block into the cache
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    probes = new byte[1 << 16][];
    for (int i = 0; i < probes.length; i++) {
      probes[i] = TableBench.key(random.nextInt(entries));
    }
  }

  /** Closes the table and deletes its directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    iterator.close();
    reader.close();
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  /** One seek to a present key; returns the key found so the work cannot be elided. */
  @Benchmark
  public byte[] seek() {
    byte[] target = probes[next++ & (probes.length - 1)];
    iterator.seek(target, KeyOrder.MAX_SEQUENCE);
    return iterator.key();
  }
}
