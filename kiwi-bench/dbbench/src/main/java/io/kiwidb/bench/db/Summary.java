package io.kiwidb.bench.db;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Medians over rounds per (workload, engine), and kiwi's throughput ratios against both RocksDB
 * runs. A ratio is the ratio of the medians: kiwi's median ops/s over the other engine's median.
 *
 * <p>Thread safety: immutable.
 */
final class Summary {

  /**
   * Medians of one workload on one engine.
   *
   * @param workload workload label
   * @param engine engine label
   * @param threads threads the workload ran with
   * @param samples rounds measured
   * @param opsPerSec median operations per second
   * @param mbPerSec median MB/s
   * @param p50Micros median of the per-round median latencies, microseconds
   * @param p99Micros median of the per-round 99th percentiles
   * @param p999Micros median of the per-round 99.9th percentiles
   * @param maxMicros median of the per-round longest operations
   * @param diskMb median store size after the workload, MB (NaN for reads)
   * @param writeAmp median write amplification (NaN for reads)
   * @param writeAmpWithWal median write amplification with the log's bytes (NaN if unknown)
   * @param spaceAmp median space amplification (NaN for reads)
   * @param heapPeakMb median peak heap, MB
   * @param rssPeakMb median peak RSS, MB (NaN when not measured)
   */
  record Row(
      String workload,
      String engine,
      int threads,
      int samples,
      double opsPerSec,
      double mbPerSec,
      double p50Micros,
      double p99Micros,
      double p999Micros,
      double maxMicros,
      double diskMb,
      double writeAmp,
      double writeAmpWithWal,
      double spaceAmp,
      double heapPeakMb,
      double rssPeakMb) {}

  /**
   * kiwi against RocksDB on one workload.
   *
   * @param workload workload label
   * @param threads threads the workload ran with
   * @param aim the ratio issue #11 aims for against like-for-like RocksDB
   * @param vsLike kiwi / rocksdb-like median ops/s (NaN when either is missing)
   * @param vsDefault kiwi / rocksdb-default median ops/s (NaN when either is missing)
   */
  record Ratio(String workload, int threads, double aim, double vsLike, double vsDefault) {
    /** Whether the like-for-like ratio reaches the minimum target of 1.0. */
    boolean meetsTarget() {
      return vsLike >= Workload.TARGET;
    }

    /** Whether the like-for-like ratio reaches the aim. */
    boolean meetsAim() {
      return vsLike >= aim;
    }

    /** "aim met", "target met", "missed" or "n/a". */
    String verdict() {
      if (Double.isNaN(vsLike)) {
        return "n/a";
      }
      return meetsAim() ? "aim met" : meetsTarget() ? "target met, below aim" : "missed";
    }
  }

  private final List<Row> rows;
  private final List<Ratio> ratios;

  private Summary(List<Row> rows, List<Ratio> ratios) {
    this.rows = List.copyOf(rows);
    this.ratios = List.copyOf(ratios);
  }

  List<Row> rows() {
    return rows;
  }

  List<Ratio> ratios() {
    return ratios;
  }

  /** The medians of {@code workload} on {@code engine}, or null. */
  Row row(String workload, String engine) {
    for (Row r : rows) {
      if (r.workload.equals(workload) && r.engine.equals(engine)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Summarises measurements of one key count and method (warm-up ones, with a negative round, are
   * ignored).
   *
   * @param workloads workload labels in report order
   * @param engines engine labels in report order
   */
  static Summary of(List<Measurement> all, List<String> workloads, List<String> engines) {
    List<Row> rows = new ArrayList<>();
    List<Ratio> ratios = new ArrayList<>();
    for (String w : workloads) {
      for (String e : engines) {
        List<Measurement> ms = new ArrayList<>();
        for (Measurement m : all) {
          if (m.round() >= 0 && m.workload().equals(w) && m.engine().equals(e)) {
            ms.add(m);
          }
        }
        if (!ms.isEmpty()) {
          rows.add(
              new Row(
                  w,
                  e,
                  ms.get(0).threads(),
                  ms.size(),
                  median(ms, Measurement::opsPerSec),
                  median(ms, Measurement::mbPerSec),
                  median(ms, m -> m.p50Nanos() / 1e3),
                  median(ms, m -> m.p99Nanos() / 1e3),
                  median(ms, m -> m.p999Nanos() / 1e3),
                  median(ms, m -> m.maxNanos() / 1e3),
                  median(ms, m -> m.diskBytes() < 0 ? Double.NaN : m.diskBytes() / 1e6),
                  median(ms, Measurement::writeAmp),
                  median(ms, Measurement::writeAmpWithWal),
                  median(ms, Measurement::spaceAmp),
                  median(ms, m -> m.heapPeakBytes() / 1e6),
                  median(ms, m -> m.rssPeakBytes() < 0 ? Double.NaN : m.rssPeakBytes() / 1e6)));
        }
      }
    }
    Summary partial = new Summary(rows, List.of());
    for (String w : workloads) {
      Row kiwi = partial.row(w, EngineKind.KIWI.label());
      if (kiwi == null) {
        continue;
      }
      WorkloadSpec spec = WorkloadSpec.parse(w);
      ratios.add(
          new Ratio(
              w,
              kiwi.threads(),
              spec.workload().aim(kiwi.threads()),
              ratio(kiwi, partial.row(w, EngineKind.ROCKSDB_LIKE.label())),
              ratio(kiwi, partial.row(w, EngineKind.ROCKSDB_DEFAULT.label()))));
    }
    return new Summary(rows, ratios);
  }

  private static double ratio(Row kiwi, Row other) {
    return other == null || other.opsPerSec() == 0
        ? Double.NaN
        : kiwi.opsPerSec() / other.opsPerSec();
  }

  private static double median(List<Measurement> ms, ToDoubleFunction<Measurement> f) {
    double[] v = new double[ms.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(ms.get(i));
    }
    return median(v);
  }

  /**
   * The median of the non-NaN values (the mean of the middle two for an even count), or NaN when
   * there are none.
   */
  static double median(double... values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
}
