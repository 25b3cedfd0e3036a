package io.kiwidb.bench.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Ratios against the baseline that survive a noisy, shared machine: the implementations take turns
 * in short rounds (rotating who goes first), so load changes hit all of them alike, and each round
 * yields a ratio to the baseline measured seconds apart. Reports the median over rounds of
 * inserts/s, gets/s and the per-round ratios. {@link MemTableBenchmark} (JMH) gives the absolute
 * figures; this gives the comparison.
 *
 * <p>Per round and implementation: fill a fresh table with 100k random 16-byte keys and 100-byte
 * values on one thread (inserts/s), 300k random gets on it (gets/s, 1 thread), the same on 2
 * threads, and a second fill while another thread reads the table being filled (2 threads:
 * inserts/s and gets/s concurrent with inserts).
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -cp "kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/*"
 * io.kiwidb.bench.memtable.MemTableRace [rounds]}.
 */
public final class MemTableRace {
  private static final int ENTRIES = 100_000;
  private static final int GETS = 300_000;
  private static final List<String> IMPLS =
      List.of("skiplist", "arena", "redblack", MemTables.BASELINE);
  private static final String[] METRICS = {
    "insert 1t", "get 1t", "get 2t", "insert 2t (w/ reader)", "get 2t (w/ writer)"
  };

  // Results land here so the JIT cannot drop the work that produced them.
  @SuppressWarnings("unused")
  private static volatile Object sink;

  private MemTableRace() {}

  /** Runs the rounds and prints medians and ratios. */
  public static void main(String[] args) throws InterruptedException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    byte[][] keys = MemTables.keys(ENTRIES, 42);
    byte[] value = new byte[MemTables.VALUE_BYTES];
    Map<String, Supplier<MemTable>> factories = new LinkedHashMap<>();
    for (String impl : IMPLS) {
      factories.put(impl, MemTables.factory(impl));
    }
    for (int w = 0; w < 3; w++) {
      for (String impl : IMPLS) {
        round(factories.get(impl), keys, value);
      }
    }
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    IMPLS.forEach(i -> results.put(i, new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < IMPLS.size(); k++) {
        String impl = IMPLS.get((r + k) % IMPLS.size());
        results.get(impl).add(round(factories.get(impl), keys, value));
      }
    }
    System.out.printf(
        "%d rounds, %d entries of %d+%d bytes; median Mops/s (ratio to %s, median of per-round"
            + " ratios)%n",
        rounds, ENTRIES, MemTables.KEY_BYTES, MemTables.VALUE_BYTES, MemTables.BASELINE);
    System.out.printf("%-24s", "metric");
    IMPLS.forEach(i -> System.out.printf("%22s", i));
    System.out.println();
    List<double[]> base = results.get(MemTables.BASELINE);
    for (int m = 0; m < METRICS.length; m++) {
      System.out.printf("%-24s", METRICS[m]);
      for (String impl : IMPLS) {
        List<double[]> rs = results.get(impl);
        double[] abs = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          abs[r] = rs.get(r)[m];
          ratio[r] = rs.get(r)[m] / base.get(r)[m];
        }
        System.out.printf("%13.2f (%5.2fx)", median(abs) / 1e6, median(ratio));
      }
      System.out.println();
    }
  }

  /** One round for one implementation: ops/s for each metric. */
  private static double[] round(Supplier<MemTable> factory, byte[][] keys, byte[] value)
      throws InterruptedException {
    double[] out = new double[METRICS.length];
    MemTable t = factory.get();
    long start = System.nanoTime();
    fill(t, keys, value);
    out[0] = ENTRIES * 1e9 / (System.nanoTime() - start);

    start = System.nanoTime();
    readRandom(t, keys, GETS, 1);
    out[1] = GETS * 1e9 / (System.nanoTime() - start);

    long[] done = new long[2];
    Thread[] readers = new Thread[2];
    start = System.nanoTime();
    for (int i = 0; i < 2; i++) {
      int id = i;
      readers[i] = new Thread(() -> done[id] = readRandom(t, keys, GETS, id + 2));
      readers[i].start();
    }
    for (Thread th : readers) {
      th.join();
    }
    out[2] = (done[0] + done[1]) * 1e9 / (System.nanoTime() - start);

    MemTable t2 = factory.get();
    AtomicBoolean writing = new AtomicBoolean(true);
    long[] reads = new long[1];
    long[] readNanos = new long[1];
    Thread reader =
        new Thread(
            () -> {
              long s = System.nanoTime();
              long n = 0;
              long x = 7;
              while (writing.get()) {
                for (int i = 0; i < 64; i++) {
                  x ^= x << 13;
                  x ^= x >>> 7;
                  x ^= x << 17;
                  sink = t2.get(keys[(int) ((x >>> 1) % ENTRIES)], KeyOrder.MAX_SEQUENCE);
                }
                n += 64;
              }
              reads[0] = n;
              readNanos[0] = System.nanoTime() - s;
            });
    reader.start();
    start = System.nanoTime();
    fill(t2, keys, value);
    out[3] = ENTRIES * 1e9 / (System.nanoTime() - start);
    writing.set(false);
    reader.join();
    out[4] = reads[0] * 1e9 / readNanos[0];
    return out;
  }

  private static void fill(MemTable t, byte[][] keys, byte[] value) {
    for (int i = 0; i < keys.length; i++) {
      t.add(keys[i], i + 1, EntryKind.PUT, value);
    }
    sink = t;
  }

  private static long readRandom(MemTable t, byte[][] keys, int n, long seed) {
    long x = seed * 0x9E3779B97F4A7C15L | 1;
    InternalEntry last = null;
    for (int i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      last = t.get(keys[(int) ((x >>> 1) % keys.length)], KeyOrder.MAX_SEQUENCE);
    }
    sink = last;
    return n;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
