package io.kiwidb.bench.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.InternalEntry;
import io.kiwidb.api.spi.KeyOrder;
import io.kiwidb.api.spi.MemTable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inserts/s and gets/s of the {@code skiplist}, {@code arena} and {@code redblack} memtables next
 * to a plain {@link java.util.concurrent.ConcurrentSkipListMap} baseline, in one run: 16-byte
 * random keys, 100-byte values.
 *
 * <ul>
 *   <li>{@code insert}: one writer (the engine serialises writers), adding new keys; the table is
 *       replaced by an empty one every {@value #TABLE_ENTRIES} entries, so it is measured at sizes
 *       0 to 100k, like a memtable between flushes.
 *   <li>{@code get} / {@code get2}: lookups of present keys in a 100k-entry table, 1 and 2 threads.
 *   <li>{@code readWhileWriting}: 2 threads, one inserting as above while the other looks up keys
 *       in the same table; shows that readers and the writer do not block each other.
 * </ul>
 *
 * <p>Run: {@code bench/jmh MemTableBenchmark -f 1 -wi 2 -i 3}. Heap per entry is measured by {@link
 * MemTableFootprint}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class MemTableBenchmark {
  static final int TABLE_ENTRIES = 100_000;

  /**
   * The implementation under test: {@code skiplist}, {@code arena}, {@code redblack} or the
   * baseline.
   */
  @Param({"skiplist", "arena", "redblack", MemTables.BASELINE})
  public String impl;

  /** A writer's state: the table it fills, its keys and its sequence counter. */
  public abstract static class Writer {
    Supplier<MemTable> factory;
    byte[][] keys;
    byte[] value;
    volatile MemTable table;
    int next;
    long seq;

    @Setup(Level.Iteration)
    public void setUp(MemTableBenchmark bench) {
      factory = MemTables.factory(bench.impl);
      keys = MemTables.keys(TABLE_ENTRIES, 42);
      value = new byte[MemTables.VALUE_BYTES];
      table = factory.get();
      next = 0;
    }

    /** Adds the next key, starting a fresh table when this one is full; writer thread only. */
    void insertNext() {
      MemTable t = table;
      t.add(keys[next], ++seq, EntryKind.PUT, value);
      if (++next == TABLE_ENTRIES) {
        table = factory.get();
        next = 0;
      }
    }
  }

  /** The writer of {@code insert}, alone. */
  @State(Scope.Thread)
  public static class Alone extends Writer {}

  /** The writer of {@code readWhileWriting}, whose table the group's reader shares. */
  @State(Scope.Group)
  public static class Shared extends Writer {}

  /** A full table for the read-only benchmarks. */
  @State(Scope.Benchmark)
  public static class Filled {
    byte[][] keys;
    MemTable table;

    @Setup(Level.Trial)
    public void setUp(MemTableBenchmark bench) {
      keys = MemTables.keys(TABLE_ENTRIES, 42);
      table = MemTables.factory(bench.impl).get();
      byte[] value = new byte[MemTables.VALUE_BYTES];
      for (int i = 0; i < keys.length; i++) {
        table.add(keys[i], i + 1, EntryKind.PUT, value);
      }
    }
  }

  /** Per-thread cursor over the keys (xorshift, so threads do not share a Random). */
  @State(Scope.Thread)
  public static class Cursor {
    long x = System.nanoTime() | 1;

    int nextIndex() {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      return (int) ((x >>> 1) % TABLE_ENTRIES);
    }
  }

  @Benchmark
  @Threads(1)
  public void insert(Alone s) {
    s.insertNext();
  }

  @Benchmark
  @Threads(1)
  public InternalEntry get(Filled f, Cursor c) {
    return f.table.get(f.keys[c.nextIndex()], KeyOrder.MAX_SEQUENCE);
  }

  @Benchmark
  @Threads(2)
  public InternalEntry get2(Filled f, Cursor c) {
    return f.table.get(f.keys[c.nextIndex()], KeyOrder.MAX_SEQUENCE);
  }

  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public void writer(Shared s) {
    s.insertNext();
  }

  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public InternalEntry reader(Shared s, Cursor c) {
    return s.table.get(s.keys[c.nextIndex()], KeyOrder.MAX_SEQUENCE);
  }
}
