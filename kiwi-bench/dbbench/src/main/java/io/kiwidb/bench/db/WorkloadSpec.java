package io.kiwidb.bench.db;

/**
 * One entry of the workload list: a workload and, when written as {@code name:T}, its own thread
 * count (otherwise the run's {@code --threads}).
 *
 * @param workload the workload
 * @param threads its own thread count, or 0 to use the run's
 */
record WorkloadSpec(Workload workload, int threads) {

  /** Parses {@code fillsync} or {@code fillsync:8}. */
  static WorkloadSpec parse(String text) {
    String s = text.trim();
    int colon = s.indexOf(':');
    if (colon < 0) {
      return new WorkloadSpec(Workload.byName(s), 0);
    }
    int t;
    try {
      t = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad thread count in workload '" + text + "'", e);
    }
    if (t < 1) {
      throw new IllegalArgumentException("thread count must be >= 1 in workload '" + text + "'");
    }
    return new WorkloadSpec(Workload.byName(s.substring(0, colon)), t);
  }

  /** The threads this workload runs with, given the run's default. */
  int threadsOr(int runThreads) {
    return threads > 0 ? threads : runThreads;
  }

  /** The label used in reports: the name, plus {@code :T} when it has its own thread count. */
  String label() {
    return threads > 0 ? workload.benchName() + ":" + threads : workload.benchName();
  }
}
