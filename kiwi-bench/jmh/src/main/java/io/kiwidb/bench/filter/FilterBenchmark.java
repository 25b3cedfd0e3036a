package io.kiwidb.bench.filter;

import io.kiwidb.api.spi.FilterPolicy;
import io.kiwidb.api.spi.NamedProviders;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code bloom} against {@code ribbon} in one run, at the reference's two target rates: build cost
 * per key, probe cost for present and absent keys, and (printed once per trial as a {@code
 * [filter]} line, since JMH reports only times) bits per key and the false-positive rate measured
 * over 1 000 000 absent keys.
 *
 * <p>Keys are 16 random bytes; present keys start with 0 and absent ones with 1. Probes walk the
 * key arrays in order, so the key bytes stream from memory and the filter access is what varies.
 * {@code keys = 100000} gives filters of 65–130 KB (cache-resident, like a table's filter block in
 * the block cache); {@code 1000000} gives 0.65–1.3 MB (mostly cache misses).
 *
 * <p>Run: {@code bench/jmh FilterBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterBenchmark {
  private static final int BUILD_KEYS = 100_000;
  private static final int FPR_PROBES = 1_000_000;

  @Param({"bloom", "ribbon"})
  String policy;

  @Param({"0.01", "0.05"})
  double fpr;

  @Param({"100000", "1000000"})
  int keys;

  private FilterPolicy filterPolicy;
  private FilterPolicy.Reader reader;
  private byte[][] present;
  private byte[][] absent;
  private int next;

  /** Builds the filter once and prints its size and measured false-positive rate. */
  @Setup(Level.Trial)
  public void setUp() {
    filterPolicy = NamedProviders.find(FilterPolicy.class, "filter_policy", policy);
    SplittableRandom random = new SplittableRandom(42);
    present = new byte[keys][];
    absent = new byte[keys][];
    for (int i = 0; i < keys; i++) {
      present[i] = key(random, (byte) 0);
      absent[i] = key(random, (byte) 1);
    }
    FilterPolicy.Builder builder = filterPolicy.builder(fpr);
    for (byte[] k : present) {
      builder.add(k);
    }
    byte[] filter = builder.finish();
    reader = filterPolicy.reader(filter);
    int hits = 0;
    byte[] probe = new byte[16];
    for (int i = 0; i < FPR_PROBES; i++) {
      random.nextBytes(probe);
      probe[0] = 1;
      if (reader.mayContain(probe)) {
        hits++;
      }
    }
    System.out.printf(
        "%n[filter] policy=%s target=%s keys=%d bytes=%d bits/key=%.3f measured_fpr=%.5f"
            + " expected_fpr=%.5f%n",
        policy,
        fpr,
        keys,
        filter.length,
        filter.length * 8.0 / keys,
        hits / (double) FPR_PROBES,
        filterPolicy.expectedFalsePositiveRate(fpr));
  }

  private static byte[] key(SplittableRandom random, byte family) {
    byte[] k = new byte[16];
    random.nextBytes(k);
    k[0] = family;
    return k;
  }

  /** Adds the first 100 000 keys and encodes: the score is ns per key. */
  @Benchmark
  @OperationsPerInvocation(BUILD_KEYS)
  public byte[] build() {
    FilterPolicy.Builder builder = filterPolicy.builder(fpr);
    for (int i = 0; i < BUILD_KEYS; i++) {
      builder.add(present[i]);
    }
    return builder.finish();
  }

  /** One lookup of a key that was added (always "maybe"). */
  @Benchmark
  public boolean probePresent() {
    int i = next;
    next = i + 1 == keys ? 0 : i + 1;
    return reader.mayContain(present[i]);
  }

  /** One lookup of a key that was not added (mostly "no"). */
  @Benchmark
  public boolean probeAbsent() {
    int i = next;
    next = i + 1 == keys ? 0 : i + 1;
    return reader.mayContain(absent[i]);
  }
}
