package io.kiwidb.bench.db;

import org.HdrHistogram.Histogram;

/**
 * Per-operation latency: every worker thread records into its own {@link Histogram} (HdrHistogram,
 * 3 significant digits, 1 ns to 1 hour), and the threads' histograms are added once the workload is
 * over, so recording never contends between threads.
 *
 * <p>Thread safety: a histogram belongs to one thread while it records; {@link #merge} and {@link
 * Percentiles#of} run after the recording threads have been joined.
 */
final class Latency {
  /** One hour in nanoseconds: the histograms' range. */
  static final long HIGHEST_NANOS = 3_600_000_000_000L;

  private Latency() {}

  /** A new histogram for one thread. */
  static Histogram newHistogram() {
    return new Histogram(1, HIGHEST_NANOS, 3);
  }

  /** The sum of {@code parts}. */
  static Histogram merge(Iterable<Histogram> parts) {
    Histogram all = newHistogram();
    for (Histogram h : parts) {
      all.add(h);
    }
    return all;
  }

  /**
   * The percentiles a report shows. A percentile is nearest-rank (the value at rank {@code p% of
   * n}, rounded, of the sorted latencies), reported at the histogram's resolution of 3 significant
   * digits, so within 0.1% of the exact value ({@code LatencyTest} checks this against an exact
   * sorted-sample computation).
   *
   * @param p50 median, nanoseconds
   * @param p99 99th percentile
   * @param p999 99.9th percentile
   * @param max the largest value recorded
   */
  record Percentiles(long p50, long p99, long p999, long max) {
    /** Zeros for an empty histogram. */
    static Percentiles of(Histogram h) {
      if (h.getTotalCount() == 0) {
        return new Percentiles(0, 0, 0, 0);
      }
      return new Percentiles(
          h.getValueAtPercentile(50),
          h.getValueAtPercentile(99),
          h.getValueAtPercentile(99.9),
          h.getMaxValue());
    }
  }
}
