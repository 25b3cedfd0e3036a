package io.kiwidb.bench.memtable;

import io.kiwidb.api.EntryKind;
import io.kiwidb.api.spi.MemTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Heap retained per memtable entry, measured: for each implementation, the growth of used heap
 * after full GCs while a table holds {@code n} entries of 16-byte keys and 100-byte values (held by
 * nothing else), minus the same arrays measured alone. What is left is the structure's own cost per
 * entry. Also prints each table's {@code sizeBytes()} against the measured total.
 *
 * <p>Run (after {@code mvn -q -o package -DskipTests -pl kiwi-bench -am}): {@code java -Xms1g
 * -Xmx1g -XX:+UseSerialGC -cp "kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/*"
 * io.kiwidb.bench.memtable.MemTableFootprint [entries]}.
 */
public final class MemTableFootprint {
  private MemTableFootprint() {}

  /** Prints a table of bytes per entry for every implementation. */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    // Load and initialise every class involved first, so its static state is not counted.
    for (String impl : List.of("skiplist", "arena", "redblack", MemTables.BASELINE)) {
      fill(MemTables.factory(impl).get(), 1000);
    }
    double arraysPerEntry = measureArraysOnly(n);
    System.out.printf(
        "%d entries, key %d B + value %d B; key+value arrays alone: %.1f B/entry%n",
        n, MemTables.KEY_BYTES, MemTables.VALUE_BYTES, arraysPerEntry);
    System.out.printf(
        "%-14s %12s %14s %16s %12s%n",
        "impl", "heap B/entry", "overhead B/entry", "sizeBytes/entry", "sizeBytes err");
    for (String impl : List.of("skiplist", "arena", "redblack", MemTables.BASELINE)) {
      long before = usedAfterGc();
      MemTable t = fill(MemTables.factory(impl).get(), n);
      long used = usedAfterGc() - before;
      double perEntry = used / (double) n;
      System.out.printf(
          "%-14s %12.1f %14.1f %16.1f %11.2f%%%n",
          impl,
          perEntry,
          perEntry - arraysPerEntry,
          t.sizeBytes() / (double) n,
          100.0 * (t.sizeBytes() - used) / used);
      if (t.entryCount() != n) {
        throw new AssertionError("lost entries");
      }
    }
  }

  private static MemTable fill(MemTable t, int n) {
    Random r = new Random(7);
    for (int i = 0; i < n; i++) {
      byte[] key = new byte[MemTables.KEY_BYTES];
      r.nextBytes(key);
      t.add(key, i + 1, EntryKind.PUT, new byte[MemTables.VALUE_BYTES]);
    }
    return t;
  }

  private static double measureArraysOnly(int n) {
    long before = usedAfterGc();
    List<byte[]> held = new ArrayList<>(2 * n);
    for (int i = 0; i < n; i++) {
      held.add(new byte[MemTables.KEY_BYTES]);
      held.add(new byte[MemTables.VALUE_BYTES]);
    }
    long used = usedAfterGc() - before;
    // Subtract the list's own backing array (one reference per element, ~4 B with compressed oops).
    long listBytes = 16 + 4L * 2 * n;
    if (held.size() != 2 * n) {
      throw new AssertionError();
    }
    return (used - listBytes) / (double) n;
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
