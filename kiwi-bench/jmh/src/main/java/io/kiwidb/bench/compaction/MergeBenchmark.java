package io.kiwidb.bench.compaction;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalIterator;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.compaction.merge.MergingIterator;
import io.kiwidb.compaction.merge.VersionPruningIterator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The merge at the heart of compaction and scans. One invocation merges {@value #ENTRIES} entries
 * spread over {@code children} sorted in-memory sources (so table decoding does not blur the
 * figure), and compares:
 *
 * <ul>
 *   <li>{@code mergingIterator}: our heap, which sifts the top child down in place after a step;
 *   <li>{@code priorityQueue}: the textbook baseline, {@code poll} and {@code offer} per entry;
 *   <li>{@code mergeAndPrune}: our merge feeding {@link VersionPruningIterator} with no snapshot,
 *       i.e. what a compaction's CPU does before encoding output blocks. A quarter of the entries
 *       are older versions of another entry's key, so pruning has work to do.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MergeBenchmark {
  static final int ENTRIES = 1 << 18;

  @Param({"2", "8", "32"})
  int children;

  ArrayIterator[] sources;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    List<List<Object[]>> lists = new ArrayList<>();
    for (int c = 0; c < children; c++) {
      lists.add(new ArrayList<>());
    }
    int distinct = ENTRIES * 3 / 4;
    for (int i = 0; i < ENTRIES; i++) {
      int k = i < distinct ? i : random.nextInt(distinct);
      byte[] key = String.format("key%010d", k).getBytes(StandardCharsets.US_ASCII);
      lists.get(random.nextInt(children)).add(new Object[] {key, (long) i + 1});
    }
    sources = new ArrayIterator[children];
    for (int c = 0; c < children; c++) {
      sources[c] = new ArrayIterator(lists.get(c));
    }
  }

  @Benchmark
  public long mergingIterator() {
    MergingIterator it = new MergingIterator(Arrays.asList(sources));
    long sum = 0;
    for (it.seekToFirst(); it.isValid(); it.next()) {
      sum += it.seq();
    }
    return sum;
  }

  @Benchmark
  public long priorityQueue() {
    PriorityQueue<InternalIterator> heap =
        new PriorityQueue<>(
            Comparator.comparing(
                (InternalIterator i) -> i,
                (a, b) -> KeyOrder.compareInternal(a.key(), a.seq(), b.key(), b.seq())));
    for (ArrayIterator s : sources) {
      s.seekToFirst();
      if (s.isValid()) {
        heap.add(s);
      }
    }
    long sum = 0;
    while (!heap.isEmpty()) {
      InternalIterator top = heap.poll();
      sum += top.seq();
      top.next();
      if (top.isValid()) {
        heap.add(top);
      }
    }
    return sum;
  }

  @Benchmark
  public long mergeAndPrune() {
    MergingIterator merged = new MergingIterator(Arrays.asList(sources));
    merged.seekToFirst();
    VersionPruningIterator it =
        new VersionPruningIterator(merged, List.of(), VersionPruningIterator.DeeperLevels.ANY);
    long sum = 0;
    while (it.hasNext()) {
      sum += it.next().seq();
    }
    return sum;
  }

  /** A sorted in-memory source. */
  static final class ArrayIterator implements InternalIterator {
    private static final byte[] VALUE = new byte[16];
    private final byte[][] keys;
    private final long[] seqs;
    private int pos = -1;

    ArrayIterator(List<Object[]> entries) {
      entries.sort(
          (a, b) ->
              KeyOrder.compareInternal((byte[]) a[0], (long) a[1], (byte[]) b[0], (long) b[1]));
      keys = new byte[entries.size()][];
      seqs = new long[entries.size()];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = (byte[]) entries.get(i)[0];
        seqs[i] = (long) entries.get(i)[1];
      }
    }

    @Override
    public boolean isValid() {
      return pos >= 0 && pos < keys.length;
    }

    @Override
    public void seekToFirst() {
      pos = 0;
    }

    @Override
    public void seekToLast() {
      pos = keys.length - 1;
    }

    @Override
    public void seek(byte[] key, long seq) {
      int lo = 0;
      int hi = keys.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (KeyOrder.compareInternal(keys[mid], seqs[mid], key, seq) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      pos = lo;
    }

    @Override
    public void next() {
      pos++;
    }

    @Override
    public void prev() {
      pos--;
    }

    @Override
    public byte[] key() {
      return keys[pos];
    }

    @Override
    public long seq() {
      return seqs[pos];
    }

    @Override
    public EntryKind kind() {
      return EntryKind.PUT;
    }

    @Override
    public byte[] value() {
      return VALUE;
    }
  }
}
