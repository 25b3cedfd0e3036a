package io.kiwidb.reliability.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Cuts a failing op log down to a small one that still fails, so a failure report shows a log a
 * person can read: first everything after the failing op goes, then chunks of halving size are
 * removed while the run still fails (a simplified delta debugging, as in Zeller's ddmin), within a
 * time budget.
 *
 * <p>A shrunk log may fail differently from the original (the engine's background threads are not
 * deterministic, and removing ops changes the data); any {@link ModelMismatch} counts as failing,
 * which is what makes the result a regression case worth keeping.
 */
final class LogShrinker {
  private final Predicate<List<Op>> fails;
  private final long deadlineNanos;
  private int runs;

  /** Shrinks logs that fail on a fresh engine with {@code config} (and a concurrent reader). */
  LogShrinker(ModelConfig config, Long readerSeed, long budgetMillis) {
    this(log -> failsOn(config, readerSeed, log), budgetMillis);
  }

  /** Shrinks logs for which {@code fails} is true. */
  LogShrinker(Predicate<List<Op>> fails, long budgetMillis) {
    this.fails = fails;
    this.deadlineNanos = System.nanoTime() + budgetMillis * 1_000_000;
  }

  private static boolean failsOn(ModelConfig config, Long readerSeed, List<Op> log) {
    try {
      ModelRunner.run(config, log, readerSeed);
      return false;
    } catch (ModelMismatch e) {
      return true;
    }
  }

  /** The number of trial runs made so far. */
  int runs() {
    return runs;
  }

  /** A log no longer than {@code log} that still fails, or {@code log} if none was found. */
  List<Op> shrink(List<Op> log, int failingIndex) {
    List<Op> best = log;
    if (failingIndex >= 0 && failingIndex + 1 < log.size()) {
      List<Op> cut = new ArrayList<>(log.subList(0, failingIndex + 1));
      if (fails(cut)) {
        best = cut;
      }
    }
    for (int chunk = Math.max(1, best.size() / 2); chunk >= 1; chunk /= 2) {
      int start = 0;
      while (start < best.size() && !outOfTime()) {
        List<Op> candidate = new ArrayList<>(best.subList(0, start));
        candidate.addAll(best.subList(Math.min(best.size(), start + chunk), best.size()));
        if (!candidate.isEmpty() && fails(candidate)) {
          best = candidate;
        } else {
          start += chunk;
        }
      }
      if (outOfTime()) {
        break;
      }
    }
    return best;
  }

  private boolean outOfTime() {
    return System.nanoTime() > deadlineNanos;
  }

  private boolean fails(List<Op> candidate) {
    runs++;
    return fails.test(candidate);
  }

  /** The log as text, one op per line, ready to paste into a regression test. */
  static String format(List<Op> log) {
    StringBuilder sb = new StringBuilder();
    for (Op op : log) {
      sb.append(op).append('\n');
    }
    return sb.toString();
  }
}
