package io.kiwidb.bench.db;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak memory over a phase: Java heap (the sum of each heap pool's peak, an upper bound of the
 * whole heap's peak) and the process's resident set (Linux {@code VmHWM}, reset through {@code
 * /proc/self/clear_refs}). Both engines run in this one process, so RSS covers RocksDB's native
 * memory and kiwi's heap alike.
 *
 * <p>Thread safety: the JVM's pool beans and procfs are safe to call from any thread.
 */
final class MemoryProbe {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private MemoryProbe() {}

  /** Starts a phase: resets the heap pools' peaks and the resident-set high-water mark. */
  static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        pool.resetPeakUsage();
      }
    }
    try {
      // "5" resets the peak RSS (Linux >= 4.0); not available everywhere, then the peak is since
      // process start.
      Files.writeString(CLEAR_REFS, "5");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // keep the cumulative high-water mark
    }
  }

  /** Sum of the heap pools' peak used bytes since the last reset. */
  static long heapPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Peak resident set size in bytes since the last reset, or -1 when procfs is not there. */
  static long rssPeakBytes() {
    try {
      return parseKib(Files.readString(STATUS, StandardCharsets.US_ASCII), "VmHWM:");
    } catch (IOException e) {
      return -1;
    }
  }

  /** The value of a {@code name: N kB} line of {@code /proc/<pid>/status}, in bytes, or -1. */
  static long parseKib(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name)) {
        String v = line.substring(name.length()).trim();
        int space = v.indexOf(' ');
        return Long.parseLong(space < 0 ? v : v.substring(0, space)) * 1024;
      }
    }
    return -1;
  }
}
