package io.kiwidb.bench.engine;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.kiwidb.api.EngineStats;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Is the engine's heap bounded by its config? Loads N keys (default 10M; 16-byte keys, 100-byte
 * values, drawn uniformly with replacement like db_bench's fillrandom) into one engine with a 32
 * MiB memtable, then flushes and waits for compaction, and reports the heap high-water mark.
 *
 * <p>The high-water mark that matters is the <em>live</em> heap: the heap in use right after each
 * garbage collection (from GC notifications, summed over the heap pools), whose maximum over the
 * run is what the engine really held. The peak of "used" also counts garbage not yet collected, so
 * it is reported too but says more about the collector than about the engine.
 *
 * <p>Run (issue 8: {@code -Xmx512m}): {@code mvn -q -o package -DskipTests -pl kiwi-bench -am},
 * then {@code java -Xmx512m -cp "kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/*"
 * io.kiwidb.bench.engine.HeapBench [N] [memtableMb] [dir]}.
 */
public final class HeapBench {
  private static final AtomicLong MAX_AFTER_GC = new AtomicLong();
  private static final AtomicLong GC_COUNT = new AtomicLong();

  private HeapBench() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Workload.quietConsoleLogging();
    long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000;
    int memMb = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    Path root = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("kiwi-heap");
    Workload.deleteTree(root);
    Files.createDirectories(root);
    listenToGcs();
    Path config = root.resolve("config.json");
    Files.writeString(
        config,
        "{\n  \"max_memtable_size_mb\": "
            + memMb
            + ",\n  \"wal_sync_mode\": \"none\",\n  \"log_broadcast_enabled\": false\n}\n",
        StandardCharsets.UTF_8);
    System.out.printf(
        Locale.ROOT,
        "N=%d, memtable %d MiB, max heap %.0f MiB, GC %s%n",
        n,
        memMb,
        Workload.mb(Runtime.getRuntime().maxMemory()),
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
    long start = System.nanoTime();
    long loaded;
    long settled;
    EngineStats stats;
    try (StorageEngine db = KiwiDb.open(root, config)) {
      SplittableRandom r = new SplittableRandom(0x4EA9L);
      for (long i = 0; i < n; i++) {
        db.put(Workload.key(r.nextLong(n)), Workload.value(r));
        if ((i + 1) % (n / 10) == 0) {
          System.out.printf(
              Locale.ROOT,
              "  %3d%%  %6.1f s  live-after-GC high-water %.0f MiB%n",
              (i + 1) * 100 / n,
              (System.nanoTime() - start) / 1e9,
              Workload.mb(MAX_AFTER_GC.get()));
        }
      }
      loaded = System.nanoTime();
      db.flush();
      while (db.stats().immutableQueueLen() > 0) {
        Thread.sleep(200);
      }
      Thread.sleep(2000); // let the compaction in flight finish
      settled = System.nanoTime();
      stats = db.stats();
    }
    long peakUsed = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakUsed += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "load %.1f s (%.0f puts/s), flush %.1f s; stall %.1f s; %d GCs%n"
            + "live heap high-water (after GC): %.0f MiB of %.0f MiB max;"
            + " peak used incl. garbage: %.0f MiB%n"
            + "tables: L0 %d, compactions %d, flushed %.0f MiB, compacted %.0f MiB%n",
        (loaded - start) / 1e9,
        n / ((loaded - start) / 1e9),
        (settled - loaded) / 1e9,
        stats.counters().stallNanos() / 1e9,
        GC_COUNT.get(),
        Workload.mb(MAX_AFTER_GC.get()),
        Workload.mb(Runtime.getRuntime().maxMemory()),
        Workload.mb(peakUsed),
        stats.l0SstableCount(),
        stats.counters().compactions(),
        Workload.mb(stats.counters().bytesFlushed()),
        Workload.mb(stats.counters().bytesCompacted()));
    Workload.deleteTree(root);
  }

  /** Records the heap in use after every collection. */
  private static void listenToGcs() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    notification.getType())) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long used = 0;
                for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                  used += u.getUsed();
                }
                // Non-heap pools (metaspace, code cache) are in the map too; subtract them.
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                  if (pool.getType() == MemoryType.NON_HEAP) {
                    MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
                    if (u != null) {
                      used -= u.getUsed();
                    }
                  }
                }
                GC_COUNT.incrementAndGet();
                MAX_AFTER_GC.accumulateAndGet(used, Math::max);
              },
              null,
              null);
    }
  }
}
