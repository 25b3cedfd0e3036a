package io.kiwidb.bench.engine;

import io.kiwidb.api.EngineStats;
import io.kiwidb.api.KiwiDb;
import io.kiwidb.api.StorageEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Recovery speed: how fast does an engine reopen after a crash with a full WAL?
 *
 * <p>For each WAL size, a child JVM opens an engine whose memtable is larger than the WAL will get
 * (so nothing is flushed and every record stays in the log), writes single puts (16-byte keys,
 * 100-byte values, {@code wal_sync_mode = none}, so each write is handed to the OS before it is
 * acknowledged) until the WAL directory holds the target size, reports, and is killed with SIGKILL:
 * the crash. Page-cache contents survive a process kill, so what the OS was given is what the next
 * open finds. This JVM then times {@code KiwiDb.open} on that directory: lock, config, manifest,
 * WAL replay into the memtable, threads started. The WAL is warm in the page cache, so this
 * measures replay CPU, not the disk.
 *
 * <p>Run: {@code mvn -q -o package -DskipTests -pl kiwi-bench -am}, then {@code java -Xmx2g -cp
 * "kiwi-bench/target/kiwi-bench.jar:kiwi-bench/target/lib/*" io.kiwidb.bench.engine.RecoveryBench
 * [sizes in MiB, comma-separated; default 16,64,256,512] [dir] [reopen memtable MiB; default 4096]
 * [reopen memtable_impl; default the engine's]}. The first size doubles as JIT warm-up for the
 * reopen path. The writer always uses a 4096 MiB {@code skiplist} memtable, the one kind that holds
 * the largest WAL in one memtable; the WAL it leaves does not depend on the kind.
 */
public final class RecoveryBench {
  private static final int MEMTABLE_MB = 4096;

  private RecoveryBench() {}

  /** Entry point; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    Workload.quietConsoleLogging();
    if (args.length > 0 && args[0].equals("--write")) {
      writeUntil(Path.of(args[1]), Long.parseLong(args[2]));
      return;
    }
    if (args.length > 0 && args[0].equals("--open")) {
      // Profiling aid: reopen an existing crashed directory several times (nothing is flushed, so
      // every open replays the whole WAL again) and print wall and CPU time of each.
      Path root = Path.of(args[1]);
      int times = args.length > 2 ? Integer.parseInt(args[2]) : 1;
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int i = 0; i < times; i++) {
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try (StorageEngine db = KiwiDb.open(root, root.resolve("config.json"))) {
          System.out.printf(
              Locale.ROOT,
              "open %.2f s wall, %.2f s CPU, %d entries%n",
              (System.nanoTime() - start) / 1e9,
              (threads.getCurrentThreadCpuTime() - cpu) / 1e9,
              db.stats().keyCount());
        }
      }
      return;
    }
    String sizes = args.length > 0 ? args[0] : "16,64,256,512";
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("kiwi-recovery");
    // The memtable size the reopening engine uses: the writer's (default) keeps the whole WAL in
    // one memtable; a smaller one (e.g. 64, the default config) makes replay freeze a memtable
    // every that many MiB, which the flush pipeline writes out after open returns.
    int reopenMb = args.length > 2 ? Integer.parseInt(args[2]) : MEMTABLE_MB;
    String reopenImpl = args.length > 3 ? args[3] : null;
    System.out.println(
        "reopen with max_memtable_size_mb = "
            + reopenMb
            + (reopenImpl == null ? "" : ", memtable_impl = " + reopenImpl));
    System.out.println(
        "| WAL MiB | entries (last seq) | open s (wall) | MB/s (wall) | open s (CPU, opening"
            + " thread) | MB/s (CPU) | keys in memtable | writer puts/s |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (String s : sizes.split(",")) {
      long target = Long.parseLong(s.trim()) << 20;
      Path root = dir.resolve("wal-" + s.trim());
      Workload.deleteTree(root);
      double writerRate = crashAfterWriting(root, target);
      long walBytes = Workload.bytesUnder(root.resolve("wal"), "");
      Files.writeString(
          root.resolve("config.json"), config(reopenMb, reopenImpl), StandardCharsets.UTF_8);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      EngineStats stats;
      double openSec;
      double cpuSec;
      try (StorageEngine db = KiwiDb.open(root, root.resolve("config.json"))) {
        openSec = (System.nanoTime() - start) / 1e9;
        cpuSec = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        stats = db.stats();
      }
      System.out.printf(
          Locale.ROOT,
          "| %.0f | %d | %.2f | %.0f | %.2f | %.0f | %d | %.0f |%n",
          Workload.mb(walBytes),
          stats.seq(),
          openSec,
          walBytes / 1e6 / openSec,
          cpuSec,
          walBytes / 1e6 / cpuSec,
          stats.keyCount(),
          writerRate);
      Workload.deleteTree(root);
    }
  }

  /**
   * Runs the writer child until it reports, then kills it (also {@link ReplayBench}'s crash).
   * Returns its puts per second.
   */
  static double crashAfterWriting(Path root, long targetBytes) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-Xmx2g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RecoveryBench.class.getName());
    cmd.add("--write");
    cmd.add(root.toString());
    cmd.add(Long.toString(targetBytes));
    Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("READY ")) {
          child.destroyForcibly(); // SIGKILL: no close, no flush, no WAL sync
          child.waitFor();
          return Double.parseDouble(line.substring("READY ".length()));
        }
      }
    }
    throw new IllegalStateException("writer exited with " + child.waitFor() + " before READY");
  }

  private static String config(int memtableMb, String memtableImpl) {
    return "{\n  \"max_memtable_size_mb\": "
        + memtableMb
        + (memtableImpl == null ? "" : ",\n  \"memtable_impl\": \"" + memtableImpl + "\"")
        + ",\n  \"wal_sync_mode\": \"none\",\n  \"log_broadcast_enabled\": false\n}\n";
  }

  /** The child: writes until the WAL holds {@code targetBytes}, says READY, and waits to die. */
  private static void writeUntil(Path root, long targetBytes) throws Exception {
    Files.createDirectories(root);
    Path config = root.resolve("config.json");
    Files.writeString(config, config(MEMTABLE_MB, "skiplist"), StandardCharsets.UTF_8);
    StorageEngine db = KiwiDb.open(root, config);
    SplittableRandom r = new SplittableRandom(0xC0FFEEL);
    Path wal = root.resolve("wal");
    long start = System.nanoTime();
    long puts = 0;
    // ~130 bytes of log per put; check the directory only now and then.
    while (true) {
      for (int i = 0; i < 20_000; i++) {
        db.put(Workload.key(r.nextLong(1L << 40)), Workload.value(r));
      }
      puts += 20_000;
      if (Workload.bytesUnder(wal, "") >= targetBytes) {
        break;
      }
    }
    double rate = puts / ((System.nanoTime() - start) / 1e9);
    System.out.println("READY " + rate);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // never closed: the parent kills this process
  }
}
